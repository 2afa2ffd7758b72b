using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Limits;

/// <summary>Reports the gateway's connection-limit counters to the cluster (shown by
/// /api/v1/summaries) whenever they change, and every 30 s anyway.</summary>
public sealed class LimitStatsReporter(
    IGrainFactory grains,
    GatewayIdentity identity,
    ConnectionLimiter limiter,
    IOptions<GatewayOptions> options,
    ILogger<LimitStatsReporter> logger) : BackgroundService
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.StatsIntervalMilliseconds, 100, 5000));
        using var timer = new PeriodicTimer(period);
        GatewayLimitStats? last = null;
        var lastSent = DateTime.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var stats = new GatewayLimitStats(identity.Id, limiter.Connections, limiter.MaxConnections,
                limiter.MaxConnectionsPerIpPerSecond, limiter.RefusedMaxConnections, limiter.RefusedIpRate, default);
            var now = DateTime.UtcNow;
            if (stats == last && now - lastSent < Refresh)
            {
                continue;
            }
            try
            {
                await grains.GetGrain<IGatewayLimitsGrain>(0).Report(stats);
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
