using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Config;

/// <summary>
/// Keeps this silo's <see cref="VhostConfigStore"/> on the cluster's one configuration: proposes the
/// silo's load when the silo becomes active and after each good reload, takes every pushed version, and
/// renews its subscription every few seconds (adopting the running version then, in case a push was missed).
/// </summary>
internal sealed class VhostConfigSync(
    VhostConfigStore store,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    ILogger<VhostConfigSync> logger) : ILifecycleParticipant<ISiloLifecycle>, IVhostConfigObserver
{
    private static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private IVhostConfigObserver? _reference;
    private Task? _renewals;

    private IVhostConfigGrain Cluster => grains.GetGrain<IVhostConfigGrain>(0);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(VhostConfigSync), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    public Task Changed(VhostConfigSet config)
    {
        if (store.Adopt(config))
        {
            logger.LogInformation("Running vhost configuration version {Version} ({Origin}, {Trigger})", config.Version, config.Origin, config.Trigger);
        }
        return Task.CompletedTask;
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        _reference = grains.CreateObjectReference<IVhostConfigObserver>(this);
        store.Propose = ProposeAsync;
        try
        {
            await Renew();
            await ProposeAsync("startup");
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Vhost configuration not proposed to the cluster yet; retrying");
        }
        _renewals = RenewLoop();
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        store.Propose = null;
        _stopping.Cancel();
        if (_renewals is not null)
        {
            await _renewals;
        }
        if (_reference is not null)
        {
            try
            {
                await Cluster.Unsubscribe(_reference).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Vhost configuration subscription not ended");
            }
        }
    }

    private async Task ProposeAsync(string trigger)
    {
        var config = await Cluster.Propose(store.LocalConfigured, store.LocalUnconfigured, $"silo {silo.Name}", trigger);
        await Changed(config);
    }

    private async Task Renew()
    {
        if (await Cluster.Subscribe(_reference!) is { } running)
        {
            await Changed(running);
        }
    }

    private async Task RenewLoop()
    {
        using var timer = new PeriodicTimer(RenewInterval);
        while (await Tick(timer))
        {
            try
            {
                await Renew();
                if (store.Cluster is null)
                {
                    await ProposeAsync("startup");
                }
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Vhost configuration subscription not renewed");
            }
        }
    }

    private async Task<bool> Tick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
