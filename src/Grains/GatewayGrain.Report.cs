using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// The gateway's traffic reports: one call a second per gateway instead of one per stream and
/// connection. The grain keeps the gateway's live connections (the per-gateway client directory the
/// API reads) with their latest counters, forwards the streams' counters to their stream grains and
/// the connections' counters to their session records at most once a minute, and when the gateway
/// dies (or starts again as a new process) closes the sessions it held, which sends their on_close.
/// </summary>
public sealed partial class GatewayGrain
{
    private readonly SortedDictionary<string, LiveClient> _clients = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LiveStream> _streams = new(StringComparer.Ordinal);

    // The gateway process (by its start time) whose connections _clients holds; complete once a full
    // report of that process came in.
    private DateTime? _run;
    private long _sequence;
    private bool _complete;
    private IGrainTimer? _watch;

    private sealed class LiveClient
    {
        public long SendBytes;
        public long RecvBytes;
        public RtpClientStats? Rtp;
        public readonly RateWindow Rate = new();
        public DateTime ForwardedUtc;
        public long ForwardedSend;
        public long ForwardedRecv;

        public LiveClientCounters Counters(string clientId, DateTime now)
        {
            var (recvKbps, sendKbps) = Rate.Kbps(now);
            return new LiveClientCounters(clientId, SendBytes, RecvBytes, sendKbps, recvKbps, Rtp);
        }
    }

    private sealed record LiveStream(StreamTraffic Traffic, StreamTraffic Forwarded, DateTime ForwardedUtc);

    /// <summary>Unchanged counters of a stream without a publisher here still reach its grain this often,
    /// so the grain knows this gateway serves its players (a third of the lease timeout, 1 to 5 s).</summary>
    private TimeSpan StreamRefreshInterval => TimeSpan.FromTicks(Math.Clamp(
        streamOptions.Value.LeaseTimeout.Ticks / 3, TimeSpan.FromSeconds(1).Ticks, TimeSpan.FromSeconds(5).Ticks));

    public Task<bool> Report(GatewayReport report)
    {
        var now = DateTime.UtcNow;
        _seenUtc = now;
        if (_run != report.GatewayStartedUtc)
        {
            if (_run is not null && _clients.Count > 0)
            {
                // The gateway started again: the connections of its earlier run are gone with that process.
                LoseClients("restarted");
            }
            _run = report.GatewayStartedUtc;
            _sequence = 0;
            _complete = false;
        }
        if (report.Sequence <= _sequence)
        {
            // A report that was retried or overtaken: a newer one is already applied.
            return Task.FromResult(!_complete);
        }
        _sequence = report.Sequence;
        if (report.Full)
        {
            var present = report.Clients.Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in _clients.Keys.Where(id => !present.Contains(id)).ToList())
            {
                _clients.Remove(gone);
            }
            _complete = true;
        }
        foreach (var traffic in report.Clients)
        {
            Update(traffic, now);
        }
        foreach (var closed in report.Closed)
        {
            _clients.Remove(closed);
        }
        if (report.Streams is { } streams)
        {
            ForwardStreams(streams, now);
        }
        Watch();
        return Task.FromResult(!_complete);
    }

    public Task<GatewayClientPage> ListClients(int take)
    {
        if (!IsSeen)
        {
            return Task.FromResult(new GatewayClientPage(0, []));
        }
        var now = DateTime.UtcNow;
        var page = _clients.Take(Math.Max(0, take)).Select(c => c.Value.Counters(c.Key, now)).ToList();
        return Task.FromResult(new GatewayClientPage(_clients.Count, page));
    }

    public Task<LiveClientCounters?> GetClient(string clientId) =>
        Task.FromResult(IsSeen && _clients.TryGetValue(clientId, out var client) ? client.Counters(clientId, DateTime.UtcNow) : null);

    public Task<GatewayTotals> GetTotals() => Task.FromResult(IsSeen
        ? new GatewayTotals(_clients.Count, _streams.Values.Sum(s => s.Traffic.RecvBytes), _streams.Values.Sum(s => s.Traffic.SendBytes))
        : new GatewayTotals(0, 0, 0));

    private void Update(ClientTraffic traffic, DateTime now)
    {
        if (!_clients.TryGetValue(traffic.ClientId, out var client))
        {
            // New: the gateway opened its session record itself, so nothing needs forwarding yet.
            _clients[traffic.ClientId] = client = new LiveClient
            {
                ForwardedUtc = now,
                ForwardedSend = traffic.SendBytes,
                ForwardedRecv = traffic.RecvBytes,
            };
        }
        client.SendBytes = traffic.SendBytes;
        client.RecvBytes = traffic.RecvBytes;
        client.Rtp = traffic.Rtp ?? client.Rtp;
        client.Rate.Add(now, traffic.RecvBytes, traffic.SendBytes);
        var moved = client.SendBytes != client.ForwardedSend || client.RecvBytes != client.ForwardedRecv;
        if (moved && now - client.ForwardedUtc >= _options.SessionCountersInterval)
        {
            client.ForwardedUtc = now;
            client.ForwardedSend = client.SendBytes;
            client.ForwardedRecv = client.RecvBytes;
            _ = GrainFactory.GetGrain<IClientSessionGrain>(traffic.ClientId).ReportTraffic(traffic with { Rtp = client.Rtp });
        }
    }

    /// <summary>Every stream's counters go to its grain when they moved or a publisher's lease needs
    /// renewing; the others only every <see cref="StreamRefreshInterval"/>.</summary>
    private void ForwardStreams(IReadOnlyList<StreamTrafficEntry> streams, DateTime now)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, traffic) in streams)
        {
            present.Add(key);
            var last = _streams.GetValueOrDefault(key);
            if (last is null || traffic.PublisherClientId is not null || traffic != last.Forwarded
                || now - last.ForwardedUtc >= StreamRefreshInterval)
            {
                _ = GrainFactory.GetGrain<IStreamGrain>(key).ReportTraffic(traffic);
                _streams[key] = new LiveStream(traffic, traffic, now);
            }
            else
            {
                _streams[key] = last with { Traffic = traffic };
            }
        }
        foreach (var gone in _streams.Keys.Where(k => !present.Contains(k)).ToList())
        {
            _streams.Remove(gone);
        }
    }

    /// <summary>While the grain holds connections or streams, a timer checks that the gateway still
    /// reports or heartbeats; it keeps the grain active meanwhile.</summary>
    private void Watch()
    {
        if (_clients.Count == 0 && _streams.Count == 0)
        {
            _watch?.Dispose();
            _watch = null;
            return;
        }
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(200).Ticks, _options.LivenessTimeout.Ticks / 4));
        _watch ??= this.RegisterGrainTimer(CheckLiveness, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
    }

    private Task CheckLiveness(CancellationToken cancellationToken)
    {
        if (!IsSeen)
        {
            LoseClients("dead");
            _streams.Clear();
            Watch();
        }
        return Task.CompletedTask;
    }

    /// <summary>Closes the session of every connection the grain holds, with its last counters; each
    /// session sends its on_close once. The grain then asks for a full report should the gateway report again.</summary>
    private void LoseClients(string why)
    {
        if (_clients.Count > 0)
        {
            logger.LogWarning("Gateway {Gateway} is {Why}: closing the sessions of its {Count} connections",
                GatewayId, why, _clients.Count);
        }
        foreach (var (id, client) in _clients)
        {
            _ = GrainFactory.GetGrain<IClientSessionGrain>(id).GatewayLost(GatewayId, client.SendBytes, client.RecvBytes);
        }
        _clients.Clear();
        _complete = false;
    }
}
