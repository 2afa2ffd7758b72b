using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// The gateway's copy of the cluster's vhost configuration, pushed by <see cref="IVhostConfigGrain"/>
/// on every change and re-read when the subscription is renewed, so admission reads settings without a
/// grain call. Until the first copy arrives (the first moments after start) each read asks the vhost grain.
/// </summary>
public sealed class VhostSettingsCache : IVhostConfigObserver
{
    private readonly IGrainFactory _grains;
    private readonly WorkDirectory _workDirectory;
    private readonly ILogger<VhostSettingsCache> _logger;

    // One configuration with the settings resolved from it so far; replaced whole on a change.
    private sealed record Running(VhostConfigSet Config, ConcurrentDictionary<string, VhostSettings> Resolved);

    private readonly Lock _gate = new();
    private Running? _running;

    public VhostSettingsCache(IGrainFactory grains, WorkDirectory workDirectory, GatewayMetrics metrics, ILogger<VhostSettingsCache> logger)
    {
        _grains = grains;
        _workDirectory = workDirectory;
        _logger = logger;
        metrics.Meter.CreateObservableGauge("live_gateway_vhost_config_version", () => new Measurement<long>(Version, metrics.GatewayTag),
            description: "Version of the cluster's vhost configuration this gateway runs (0 before it has one).");
    }

    /// <summary>The version of the cluster configuration this gateway runs; 0 before the first.</summary>
    public long Version => _running?.Config.Version ?? 0;

    /// <summary>The vhosts the cluster's configuration names (configured or overridden).</summary>
    public IEnumerable<string> Names => _running is { } running ? running.Config.Configured.Keys.Concat(running.Config.Overrides.Keys) : [];

    /// <summary>Raised after a new configuration is taken.</summary>
    public event Action? Adopted;

    /// <summary>A vhost's settings, with its HLS path below this gateway's work directory.</summary>
    public ValueTask<VhostSettings> GetAsync(string vhost)
    {
        if (_running is not { } running)
        {
            return new(Ask(vhost));
        }
        if (!running.Resolved.TryGetValue(vhost, out var settings))
        {
            settings = running.Resolved.GetOrAdd(vhost, Resolve(running.Config.Settings(vhost)));
        }
        return new(settings);
    }

    public Task Changed(VhostConfigSet config)
    {
        Adopt(config);
        return Task.CompletedTask;
    }

    /// <summary>Takes a configuration unless the running one is as new.</summary>
    public void Adopt(VhostConfigSet config)
    {
        lock (_gate)
        {
            if (_running is { } running && running.Config.Version >= config.Version)
            {
                return;
            }
            _running = new Running(config, new(StringComparer.Ordinal));
        }
        Adopted?.Invoke();
        _logger.LogInformation("Running vhost configuration version {Version} ({Origin}, {Trigger})", config.Version, config.Origin, config.Trigger);
    }

    private async Task<VhostSettings> Ask(string vhost) => Resolve(await _grains.GetGrain<IVhostGrain>(vhost).GetSettings());

    private VhostSettings Resolve(VhostSettings settings) =>
        settings with
        {
            Hls = settings.Hls with { Path = _workDirectory.Resolve(settings.Hls.Path) },
            Dash = settings.Dash with { Path = _workDirectory.Resolve(settings.Dash.Path) },
        };
}
