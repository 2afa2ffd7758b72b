using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>
/// Sends the gateway's counters in one report a second to its gateway grain, which fans them out in
/// the cluster: every live stream's totals (this also renews the publisher's lease) and the connections
/// that opened or whose counters moved since the last acknowledged report, plus those that closed. An
/// idle connection costs nothing after its first report; one that opens or closes is reported at
/// once (without the streams; such reports at most every 100 ms), so the API lists it at once. Counters are cumulative, so a lost report
/// costs only freshness: what it carried goes again in the next one. When a hub is recreated its
/// counters start again from zero and the stream grain folds the earlier totals in.
/// </summary>
public sealed class TrafficReporter : BackgroundService
{
    private readonly StreamHubRegistry _hubs;
    private readonly ConnectionRegistry _connections;
    private readonly ClusterLink _cluster;
    private readonly GatewayIdentity _identity;
    private readonly TimeSpan _interval;
    private readonly ILogger<TrafficReporter> _logger;

    // A connection that opened or closed is reported at once, so the API lists it at once, but such
    // reports go at most this often: connections opening by the thousand share them. The other
    // reports keep to the interval.
    private static readonly TimeSpan ChangeReportSpacing = TimeSpan.FromMilliseconds(100);

    // What the gateway grain acknowledged; the next report carries the differences.
    private readonly Dictionary<string, ClientTraffic> _acknowledged = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _clientsChanged = new(0, 1);
    private readonly Stopwatch _sinceChangeReport = Stopwatch.StartNew();
    private bool _full = true;
    private long _sequence;

    public TrafficReporter(StreamHubRegistry hubs, ConnectionRegistry connections, ClusterLink cluster, GatewayIdentity identity,
        IOptions<GatewayOptions> options, ILogger<TrafficReporter> logger)
    {
        _hubs = hubs;
        _connections = connections;
        _cluster = cluster;
        _identity = identity;
        _interval = TimeSpan.FromMilliseconds(Math.Max(100, options.Value.StatsIntervalMilliseconds));
        _logger = logger;
        connections.ClientsChanged += OnClientsChanged;
    }

    public override void Dispose()
    {
        _connections.ClientsChanged -= OnClientsChanged;
        _clientsChanged.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
        var changed = _clientsChanged.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            bool withStreams;
            try
            {
                if (await Task.WhenAny(tick, changed).ConfigureAwait(false) == tick)
                {
                    await tick.ConfigureAwait(false);
                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                    withStreams = true;
                }
                else
                {
                    await changed.ConfigureAwait(false);
                    if (ChangeReportSpacing - _sinceChangeReport.Elapsed is { Ticks: > 0 } wait)
                    {
                        await Task.Delay(wait, stoppingToken).ConfigureAwait(false);
                    }
                    changed = _clientsChanged.WaitAsync(stoppingToken);
                    _sinceChangeReport.Restart();
                    withStreams = false;
                }
                await ReportAsync(withStreams, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Traffic report failed");
            }
        }
    }

    private void OnClientsChanged()
    {
        try
        {
            if (_clientsChanged.CurrentCount == 0)
            {
                _clientsChanged.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or the reporter stopped.
        }
    }

    /// <param name="withStreams">The regular report; a report soon after connections opened or closed
    /// carries only the connections.</param>
    private async Task ReportAsync(bool withStreams, CancellationToken stoppingToken)
    {
        var current = new Dictionary<string, ClientTraffic>(StringComparer.Ordinal);
        foreach (var client in _connections.Recorded)
        {
            var connection = client.Connection;
            current[client.ClientId] = new ClientTraffic(client.ClientId, connection.SentBytes, connection.RecvBytes, connection.RtpStats);
        }
        var full = _full;
        var changed = current.Values.Where(c => full || !_acknowledged.TryGetValue(c.ClientId, out var last) || last != c).ToList();
        var closed = _acknowledged.Keys.Where(id => !current.ContainsKey(id)).ToList();
        if (!withStreams && changed.Count == 0 && closed.Count == 0)
        {
            return;
        }
        var report = new GatewayReport(_cluster.GatewayId, _identity.StartedUtc, ++_sequence, full, withStreams ? Streams() : null, changed, closed);

        // Bounded, so one slow answer (a silo being declared dead) holds up only the reports it overlaps.
        var wantsFull = await _cluster.Grains.GetGrain<IGatewayGrain>(_cluster.GatewayId).Report(report)
            .WaitAsync(TimeSpan.FromTicks(Math.Max(_interval.Ticks * 2, TimeSpan.FromSeconds(2).Ticks)), stoppingToken);

        if (full)
        {
            _acknowledged.Clear();
        }
        foreach (var c in changed)
        {
            _acknowledged[c.ClientId] = c;
        }
        foreach (var id in closed)
        {
            _acknowledged.Remove(id);
        }
        _full = wantsFull;
    }

    private List<StreamTrafficEntry> Streams()
    {
        var hubs = _hubs.Snapshot();
        var streams = new List<StreamTrafficEntry>(hubs.Length);
        foreach (var hub in hubs)
        {
            // Only an encoder's publish renews the lease and counts frames; an edge pull does neither.
            var publisher = hub.PublisherIsEdge ? null : hub.PublisherClientId;
            var traffic = new StreamTraffic(_cluster.GatewayId, publisher, hub.RecvBytes, hub.SentBytes, hub.VideoFrames, hub.PlayerCount, hub.AudioBridge(_cluster.GatewayId),
                hub.Snapshot?.Info(_cluster.GatewayId));
            streams.Add(new StreamTrafficEntry(hub.Key, traffic));
        }
        return streams;
    }
}
