using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Config;

/// <summary>What <see cref="VhostConfigGrain"/> keeps: the running set, stored so overrides outlive restarts.</summary>
[GenerateSerializer]
public sealed class VhostConfigState
{
    [Id(0)] public VhostConfigSet? Config { get; set; }

    /// <summary>The proposal the running set came from, as compared text, so an equal proposal changes nothing.</summary>
    [Id(1)] public string ProposalText { get; set; } = "";
}

/// <summary>
/// One vhost configuration for the whole cluster, as one SRS process has one config file: the last
/// proposal that differs wins, a new one clears the API's overrides (logged), and every change is
/// pushed to the subscribers (silos' stores, gateways' caches) before the call returns.
/// </summary>
public sealed class VhostConfigGrain(
    [PersistentState("vhost-config", StorageNames.Default)] IPersistentState<VhostConfigState> state,
    ILogger<VhostConfigGrain> logger) : Grain, IVhostConfigGrain
{
    // A subscriber that has not renewed for this long is dropped; subscribers renew every few seconds.
    private static readonly TimeSpan SubscriberLifetime = TimeSpan.FromSeconds(60);

    // How long one subscriber may take to take a push before the proposal returns without it.
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(1);

    private readonly Dictionary<IVhostConfigObserver, DateTime> _subscribers = [];

    private VhostConfigSet? Config => state.State.Config;

    public async Task<VhostConfigSet> Propose(IReadOnlyDictionary<string, VhostSettings> configured, VhostSettings unconfigured, string origin, string trigger)
    {
        var text = ProposalText(configured, unconfigured);
        if (Config is { } running && text == state.State.ProposalText)
        {
            return running;
        }
        if (Config is { Overrides.Count: > 0 } replaced)
        {
            logger.LogWarning("New vhost configuration from {Origin} ({Trigger}) replaces the API overrides of {Vhosts}",
                origin, trigger, string.Join(", ", replaced.Overrides.Keys));
        }
        var next = new VhostConfigSet((Config?.Version ?? 0) + 1, new Dictionary<string, VhostSettings>(configured), unconfigured,
            new Dictionary<string, VhostSettings>(), origin, trigger, DateTime.UtcNow);
        state.State.ProposalText = text;
        return await Change(next);
    }

    public async Task<VhostConfigSet> SetOverride(string vhost, VhostSettings? settings)
    {
        var running = Config ?? throw new InvalidOperationException("No vhost configuration has been proposed yet");
        var overrides = new Dictionary<string, VhostSettings>(running.Overrides);
        if (settings is null)
        {
            overrides.Remove(vhost);
        }
        else
        {
            overrides[vhost] = settings;
        }
        logger.LogInformation("Vhost {Vhost}: API override {Action}", vhost, settings is null ? "removed" : "stored");
        return await Change(running with
        {
            Version = running.Version + 1,
            Overrides = overrides,
            Origin = "api",
            Trigger = settings is null ? $"override of {vhost} removed" : $"override of {vhost}",
            AtUtc = DateTime.UtcNow,
        });
    }

    public Task<VhostConfigSet?> Get() => Task.FromResult(Config);

    public Task<VhostConfigSet?> Subscribe(IVhostConfigObserver observer)
    {
        _subscribers[observer] = DateTime.UtcNow;
        return Task.FromResult(Config);
    }

    public Task Unsubscribe(IVhostConfigObserver observer)
    {
        _subscribers.Remove(observer);
        return Task.CompletedTask;
    }

    private async Task<VhostConfigSet> Change(VhostConfigSet next)
    {
        state.State.Config = next;
        await state.WriteStateAsync();
        logger.LogInformation("Vhost configuration version {Version} from {Origin} ({Trigger}): {Count} vhosts configured",
            next.Version, next.Origin, next.Trigger, next.Configured.Count);
        await Push(next);
        return next;
    }

    private async Task Push(VhostConfigSet config)
    {
        var now = DateTime.UtcNow;
        foreach (var stale in _subscribers.Where(s => now - s.Value > SubscriberLifetime).Select(s => s.Key).ToList())
        {
            _subscribers.Remove(stale);
        }
        var pushes = _subscribers.Keys.Select(async subscriber =>
        {
            try
            {
                await subscriber.Changed(config).WaitAsync(PushTimeout);
            }
            catch (Exception ex)
            {
                // It catches up when it next renews its subscription.
                logger.LogDebug(ex, "Vhost configuration version {Version} not pushed to a subscriber", config.Version);
            }
        });
        await Task.WhenAll(pushes);
    }

    private static string ProposalText(IReadOnlyDictionary<string, VhostSettings> configured, VhostSettings unconfigured) =>
        JsonSerializer.Serialize(new { configured = new SortedDictionary<string, VhostSettings>(configured.ToDictionary(), StringComparer.Ordinal), unconfigured });
}
