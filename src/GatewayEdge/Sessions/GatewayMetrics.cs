using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// The gateway's own instruments (meter "OrleansLive.Gateway"), read by the Prometheus exporter:
/// open and accepted connections and their bytes per protocol, players skipped ahead or dropped as too
/// slow, publish and play refusals by reason, and the streams with a hub here. Every measurement
/// carries the gateway id, so the metrics of several gateways can be told apart.
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "OrleansLive.Gateway";

    private readonly ConcurrentDictionary<ClientSession, byte> _open = new();
    private readonly ConcurrentDictionary<string, Totals> _closed = new(StringComparer.Ordinal);
    private readonly KeyValuePair<string, object?> _gateway;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _skips;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _clusterDropped;
    private long _clientsTotal;
    private long _clientErrors;

    public GatewayMetrics(IMeterFactory meters, GatewayIdentity identity, StreamHubRegistry hubs)
    {
        Meter = meters.Create(MeterName);
        _gateway = new("gateway", identity.Id);
        _accepted = Meter.CreateCounter<long>("live_gateway_clients_accepted", description: "Client connections accepted, by protocol.");
        _skips = Meter.CreateCounter<long>("live_gateway_player_skips", description: "Times a lagging player was skipped ahead to the next keyframe (counted when the player leaves).");
        _dropped = Meter.CreateCounter<long>("live_gateway_players_dropped", description: "Players dropped for skipping too often.");
        _refused = Meter.CreateCounter<long>("live_gateway_refusals", description: "Connect, publish and play requests refused, by action and reason.");
        _clusterDropped = Meter.CreateCounter<long>("live_gateway_cluster_calls_dropped", description: "Bookkeeping calls to the cluster dropped, by call: the backlog was full or the retries ran out.");
        Meter.CreateObservableGauge("live_gateway_clients", () => ByProtocol(_ => 1L), description: "Open client connections, by protocol.");
        Meter.CreateObservableCounter("live_gateway_receive_bytes", () => ByProtocol(c => c.Connection.RecvBytes, t => t.Recv), description: "Bytes received from clients, by protocol.");
        Meter.CreateObservableCounter("live_gateway_send_bytes", () => ByProtocol(c => c.Connection.SentBytes, t => t.Sent), description: "Bytes sent to clients, by protocol.");
        Meter.CreateObservableGauge("live_gateway_streams", () => new Measurement<long>(hubs.Snapshot().Length, _gateway), description: "Streams with a hub on this gateway (published here or pulled for players).");
    }

    /// <summary>The meter, for instruments other parts of the gateway add (connection limits).</summary>
    public Meter Meter { get; }

    /// <summary>The gateway id tag every measurement carries.</summary>
    public KeyValuePair<string, object?> GatewayTag => _gateway;

    /// <summary>Connections accepted since start (SRS's srs_clients_total).</summary>
    public long ClientsTotal => Interlocked.Read(ref _clientsTotal);

    /// <summary>Refusals and players dropped since start (SRS's srs_clients_errs_total).</summary>
    public long ClientErrors => Interlocked.Read(ref _clientErrors);

    /// <summary>Bytes received from every client since start, the open ones included.</summary>
    public long RecvBytesTotal => ByProtocol(c => c.Connection.RecvBytes, t => t.Recv).Sum(m => m.Value);

    /// <summary>Bytes sent to every client since start, the open ones included.</summary>
    public long SentBytesTotal => ByProtocol(c => c.Connection.SentBytes, t => t.Sent).Sum(m => m.Value);

    internal void Opened(ClientSession client)
    {
        _open[client] = 0;
        Interlocked.Increment(ref _clientsTotal);
        _accepted.Add(1, _gateway, new("protocol", client.Protocol));
    }

    internal void Closed(ClientSession client)
    {
        if (_open.TryRemove(client, out _))
        {
            var totals = _closed.GetOrAdd(client.Protocol, _ => new Totals());
            Interlocked.Add(ref totals.Recv, client.Connection.RecvBytes);
            Interlocked.Add(ref totals.Sent, client.Connection.SentBytes);
        }
    }

    /// <summary>Reports the number of bookkeeping calls under way (live_gateway_cluster_backlog).</summary>
    internal void ObserveClusterBacklog(Func<int> backlog) =>
        Meter.CreateObservableGauge("live_gateway_cluster_backlog", () => new Measurement<int>(backlog(), _gateway),
            description: "Bookkeeping calls to the cluster waiting for an answer or a retry.");

    internal void ClusterCallDropped(string what) => _clusterDropped.Add(1, _gateway, new("call", what));

    internal void Refused(ClientSession client, string action, string reason)
    {
        Interlocked.Increment(ref _clientErrors);
        _refused.Add(1, _gateway, new("protocol", client.Protocol), new("action", action), new("reason", ReasonKind(reason)));
    }

    internal void PlayerLeft(ClientSession client, PlayerQueue queue)
    {
        var protocol = new KeyValuePair<string, object?>("protocol", client.Protocol);
        if (queue.Skips > 0)
        {
            _skips.Add(queue.Skips, _gateway, protocol);
        }
        if (queue.End == PlayerEnd.TooSlow)
        {
            Interlocked.Increment(ref _clientErrors);
            _dropped.Add(1, _gateway, protocol);
        }
    }

    /// <summary>A refusal's reason as a short label: the free text (hook answers, URLs) would make a
    /// new series per client.</summary>
    internal static string ReasonKind(string reason) => reason switch
    {
        _ when reason.Contains("busy", StringComparison.OrdinalIgnoreCase) => "busy",
        _ when reason.Contains("disabled", StringComparison.OrdinalIgnoreCase) => "vhost_disabled",
        _ when reason.Contains("security", StringComparison.OrdinalIgnoreCase) || reason.Contains("denied", StringComparison.OrdinalIgnoreCase) => "security",
        _ when reason.Contains("on_", StringComparison.Ordinal) || reason.Contains("hook", StringComparison.OrdinalIgnoreCase) => "hook",
        _ when reason.Contains("unavailable", StringComparison.OrdinalIgnoreCase) => "cluster_unavailable",
        _ => "other",
    };

    private List<Measurement<long>> ByProtocol(Func<ClientSession, long> live, Func<Totals, long>? closed = null)
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var client in _open.Keys)
        {
            sums[client.Protocol] = sums.GetValueOrDefault(client.Protocol) + live(client);
        }
        if (closed is not null)
        {
            foreach (var (protocol, totals) in _closed)
            {
                sums[protocol] = sums.GetValueOrDefault(protocol) + closed(totals);
            }
        }
        return [.. sums.Select(s => new Measurement<long>(s.Value, _gateway, new("protocol", s.Key)))];
    }

    private sealed class Totals
    {
        public long Recv;
        public long Sent;
    }
}
