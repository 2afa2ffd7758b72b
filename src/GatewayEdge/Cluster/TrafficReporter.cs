using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>
/// Sends counters to the grains in batches: each live stream's totals about once a second (this also
/// renews the publisher's lease), each connection's bytes every fifth round. Counters are cumulative
/// per hub, so a lost report costs nothing but freshness; when a hub is recreated its counters start
/// again from zero and the stream grain folds the earlier totals in.
/// </summary>
public sealed class TrafficReporter : BackgroundService
{
    private readonly StreamHubRegistry _hubs;
    private readonly ConnectionRegistry _connections;
    private readonly ClusterLink _cluster;
    private readonly GatewayOptions _options;
    private readonly ILogger<TrafficReporter> _logger;
    private readonly Dictionary<string, (long Sent, long Recv)> _lastClient = new();

    public TrafficReporter(StreamHubRegistry hubs, ConnectionRegistry connections, ClusterLink cluster, IOptions<GatewayOptions> options, ILogger<TrafficReporter> logger)
    {
        _hubs = hubs;
        _connections = connections;
        _cluster = cluster;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(100, _options.StatsIntervalMilliseconds)));
        var round = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await ReportStreams();
                if (++round % 5 == 0)
                {
                    await ReportClients();
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Traffic report failed");
            }
        }
    }

    private Task ReportStreams()
    {
        var hubs = _hubs.Snapshot();
        var calls = new List<Task>(hubs.Length);
        foreach (var hub in hubs)
        {
            // Only an encoder's publish renews the lease and counts frames; an edge pull does neither.
            var publisher = hub.PublisherIsEdge ? null : hub.PublisherClientId;
            var traffic = new StreamTraffic(_cluster.GatewayId, publisher, hub.RecvBytes, hub.SentBytes, hub.VideoFrames, hub.PlayerCount, hub.AudioBridge(_cluster.GatewayId));
            calls.Add(_cluster.Stream(hub.Key).ReportTraffic(traffic));
        }
        return Task.WhenAll(calls);
    }

    private Task ReportClients()
    {
        var calls = new List<Task>();
        var live = new HashSet<string>();
        foreach (var connection in _connections.All)
        {
            live.Add(connection.ClientId);
            var now = (connection.SentBytes, connection.RecvBytes);
            if (_lastClient.TryGetValue(connection.ClientId, out var last) && last == now)
            {
                continue;
            }
            _lastClient[connection.ClientId] = now;
            calls.Add(_cluster.Client(connection.ClientId).ReportTraffic(now.SentBytes, now.RecvBytes));
            if (connection.RtpStats is { } rtp)
            {
                calls.Add(_cluster.Client(connection.ClientId).ReportRtp(rtp));
            }
        }
        foreach (var gone in _lastClient.Keys.Where(id => !live.Contains(id)).ToList())
        {
            _lastClient.Remove(gone);
        }
        return Task.WhenAll(calls);
    }
}
