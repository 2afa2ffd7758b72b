using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Limits;

/// <summary>Reports the gateway's connection-limit counters and client totals to the cluster (shown
/// by /api/v1/summaries and /metrics) whenever they change, and every 30 s anyway; exports the
/// refusals as the metric live_gateway_connections_refused_total.</summary>
public sealed class LimitStatsReporter : BackgroundService
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);
    private readonly IGrainFactory grains;
    private readonly GatewayIdentity identity;
    private readonly ConnectionLimiter limiter;
    private readonly GatewayMetrics metrics;
    private readonly IOptions<GatewayOptions> options;
    private readonly ILogger<LimitStatsReporter> logger;

    public LimitStatsReporter(IGrainFactory grains, GatewayIdentity identity, ConnectionLimiter limiter, GatewayMetrics metrics,
        IOptions<GatewayOptions> options, ILogger<LimitStatsReporter> logger)
    {
        (this.grains, this.identity, this.limiter, this.metrics, this.options, this.logger) = (grains, identity, limiter, metrics, options, logger);
        metrics.Meter.CreateObservableCounter("live_gateway_connections_refused", () => new Measurement<long>[]
        {
            new(limiter.RefusedMaxConnections, metrics.GatewayTag, new("reason", "max_connections")),
            new(limiter.RefusedIpRate, metrics.GatewayTag, new("reason", "ip_rate")),
        }, description: "Connections refused by the connection limits, by reason.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.StatsIntervalMilliseconds, 100, 5000));
        using var timer = new PeriodicTimer(period);
        GatewayLimitStats? last = null;
        var lastSent = DateTime.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var stats = new GatewayLimitStats(identity.Id, limiter.Connections, limiter.MaxConnections,
                limiter.MaxConnectionsPerIpPerSecond, limiter.RefusedMaxConnections, limiter.RefusedIpRate, default,
                metrics.ClientsTotal, metrics.ClientErrors + limiter.RefusedMaxConnections + limiter.RefusedIpRate,
                metrics.RecvBytesTotal, metrics.SentBytesTotal);
            var now = DateTime.UtcNow;
            if (stats == last && now - lastSent < Refresh)
            {
                continue;
            }
            try
            {
                await grains.GetGrain<IGatewayLimitsGrain>(0).Report(stats).WaitAsync(period * 2, stoppingToken);
                last = stats;
                lastSent = now;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug(ex, "Limit counters not reported");
            }
        }
    }
}
