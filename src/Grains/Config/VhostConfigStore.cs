using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Config;

/// <summary>The outcome of one configuration (re)load, as SRS's raw API reload-fetch reports it.</summary>
public sealed record ReloadResult(long Rid, bool Ok, string Trigger, string Message, DateTime AtUtc)
{
    /// <summary>SRS's ERROR_SYSTEM_CONFIG_INVALID.</summary>
    public const int ConfigInvalid = 1023;

    public int ErrorCode => Ok ? 0 : ConfigInvalid;

    /// <summary>SRS's reload state: 90 finished, 10 failed while parsing.</summary>
    public int State => Ok ? 90 : 10;
}

/// <summary>
/// The validated settings of every vhost configured under "Vhosts:&lt;name&gt;", read at startup
/// and again whenever the configuration changes (appsettings.json edited, SIGHUP, the raw API's
/// reload). A reload validates every vhost first; if any is wrong it logs why, keeps the previous
/// settings and reports the error. A good load is proposed to the cluster (<see cref="IVhostConfigGrain"/>,
/// through <see cref="VhostConfigSync"/>), and once the cluster's set is known vhost grains read that,
/// so every silo and gateway runs the same configuration whichever silo loaded it.
/// </summary>
public sealed class VhostConfigStore : IDisposable
{
    private readonly IOptionsFactory<VhostOptions> _factory;
    private readonly IConfiguration? _configuration;
    private readonly ConfigFileHealth? _files;
    private readonly ILogger<VhostConfigStore> _logger;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, VhostSettings> _unconfigured = new(StringComparer.Ordinal);
    private readonly IDisposable? _changes;
    private IReadOnlyDictionary<string, VhostSettings> _configured;
    private VhostConfigSet? _cluster;
    private long _rid;

    public VhostConfigStore(IOptionsFactory<VhostOptions> factory, IServiceProvider services, ILogger<VhostConfigStore> logger)
    {
        _factory = factory;
        _configuration = services.GetService<IConfiguration>();
        _files = services.GetService<ConfigFileHealth>();
        _logger = logger;
        var (settings, errors) = Load();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid vhost configuration: " + string.Join("; ", errors));
        }
        _configured = settings;
        LastReload = new ReloadResult(0, true, "startup", $"{settings.Count} vhosts configured", DateTime.UtcNow);
        if (_configuration is not null)
        {
            _changes = ChangeToken.OnChange(_configuration.GetReloadToken, () => Reload(ChangeTrigger));
        }
    }

    private const string ChangeTrigger = "configuration changed";

    // No "Vhosts:" section has this name, so its options are the unconfigured defaults.
    private const string UnconfiguredName = "\0unconfigured";

    public ReloadResult LastReload { get; private set; }

    /// <summary>Names configured under "Vhosts" as of the last good load.</summary>
    public IReadOnlyCollection<string> ConfiguredNames => _configured.Keys.ToList();

    /// <summary>The vhost's settings in the cluster's configuration; before that is known, this silo's
    /// configured ones, else the built-in defaults.</summary>
    public VhostSettings Get(string name) =>
        _cluster is { } cluster ? cluster.Settings(name)
        : _configured.TryGetValue(name, out var settings) ? settings
        : _unconfigured.GetOrAdd(name, n => _factory.Create(n).ToSettings());

    /// <summary>The cluster's configuration this silo runs; null until the first is adopted.</summary>
    public VhostConfigSet? Cluster => _cluster;

    /// <summary>This silo's last good load, as proposed to the cluster.</summary>
    public IReadOnlyDictionary<string, VhostSettings> LocalConfigured => _configured;

    /// <summary>The settings of a vhost this silo's configuration does not name.</summary>
    public VhostSettings LocalUnconfigured => _factory.Create(UnconfiguredName).ToSettings();

    /// <summary>Set by <see cref="VhostConfigSync"/>: proposes a good load to the cluster.</summary>
    internal Func<string, Task>? Propose { get; set; }

    /// <summary>Adopts the cluster's configuration unless a newer one is already running.</summary>
    public bool Adopt(VhostConfigSet config)
    {
        lock (_gate)
        {
            if (_cluster is { } running && running.Version >= config.Version)
            {
                return false;
            }
            _cluster = config;
            return true;
        }
    }

    /// <summary>Reloads like <see cref="ReloadSources"/> and, when the load is good, waits until the
    /// cluster has taken it and pushed it to every subscriber.</summary>
    public async Task<ReloadResult> ReloadSourcesAsync(string trigger)
    {
        var result = ReloadSources(trigger);
        if (result.Ok && Propose is { } propose)
        {
            await propose(trigger);
        }
        return result;
    }

    /// <summary>Re-reads every configuration source (files, environment) and then reloads.</summary>
    public ReloadResult ReloadSources(string trigger)
    {
        if (_configuration is IConfigurationRoot root)
        {
            try
            {
                root.Reload();
            }
            catch (Exception ex)
            {
                // A source that cannot be read (a JSON file with a syntax error) leaves the old settings.
                return Record(false, trigger, $"configuration could not be read: {ex.Message}");
            }
        }
        return Reload(trigger);
    }

    /// <summary>Validates the current configuration and, if it is good, makes it the running one.</summary>
    public ReloadResult Reload(string trigger)
    {
        lock (_gate)
        {
            var (settings, errors) = Load();
            if (errors.Count > 0)
            {
                return Record(false, trigger, string.Join("; ", errors));
            }
            _configured = settings;
            _unconfigured.Clear();
            var result = Record(true, trigger, $"{settings.Count} vhosts configured");
            if (trigger != ChangeTrigger)
            {
                return result;
            }
            // An edited file reloads by itself: nobody waits, so the proposal runs in the background.
            if (Propose is { } propose)
            {
                _ = propose(trigger);
            }
            return result;
        }
    }

    public void Dispose() => _changes?.Dispose();

    private ReloadResult Record(bool ok, string trigger, string message)
    {
        lock (_gate)
        {
            var result = new ReloadResult(++_rid, ok, trigger, message, DateTime.UtcNow);
            LastReload = result;
            if (ok)
            {
                _logger.LogInformation("Vhost configuration reloaded ({Trigger}): {Message}", trigger, message);
            }
            else
            {
                _logger.LogError("Vhost configuration reload ({Trigger}) refused, keeping the previous settings: {Errors}", trigger, message);
            }
            return result;
        }
    }

    private (Dictionary<string, VhostSettings> Settings, List<string> Errors) Load()
    {
        var settings = new Dictionary<string, VhostSettings>(StringComparer.Ordinal);
        var errors = new List<string>(_files?.Errors ?? []);
        var names = _configuration?.GetSection(VhostOptions.SectionName).GetChildren().Select(c => c.Key) ?? [];
        foreach (var name in names)
        {
            try
            {
                var options = _factory.Create(name);
                errors.AddRange(VhostConfigValidator.Validate(name, options));
                settings[name] = options.ToSettings();
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException)
            {
                errors.Add($"{VhostOptions.SectionName}:{name}: {ex.Message}");
            }
        }
        return (settings, errors);
    }
}
