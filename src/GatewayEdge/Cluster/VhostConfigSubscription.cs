using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>
/// Subscribes the gateway's <see cref="VhostSettingsCache"/> to the cluster's vhost configuration and
/// renews the subscription every few seconds, taking the running version each time (a push the gateway
/// missed, or a configuration grain that moved to another silo, is caught up with on the next renewal).
/// </summary>
public sealed class VhostConfigSubscription(IGrainFactory grains, VhostSettingsCache cache, ILogger<VhostConfigSubscription> logger) : BackgroundService
{
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = grains.CreateObjectReference<IVhostConfigObserver>(cache);
        var grain = grains.GetGrain<IVhostConfigGrain>(0);
        using var timer = new PeriodicTimer(RenewInterval);
        try
        {
            do
            {
                try
                {
                    if (await grain.Subscribe(reference) is { } running)
                    {
                        cache.Adopt(running);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "Vhost configuration subscription not renewed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        try
        {
            await grain.Unsubscribe(reference).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Vhost configuration subscription not ended");
        }
    }
}
