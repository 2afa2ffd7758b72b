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
/// settings and reports the error. Vhost grains read from here, so new connections see new
/// settings at once on every gateway.
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
            _changes = ChangeToken.OnChange(_configuration.GetReloadToken, () => Reload("configuration changed"));
        }
    }

    public ReloadResult LastReload { get; private set; }

    /// <summary>Names configured under "Vhosts" as of the last good load.</summary>
    public IReadOnlyCollection<string> ConfiguredNames => _configured.Keys.ToList();

    /// <summary>The vhost's settings: configured ones, else the built-in defaults.</summary>
    public VhostSettings Get(string name) =>
        _configured.TryGetValue(name, out var settings)
            ? settings
            : _unconfigured.GetOrAdd(name, n => _factory.Create(n).ToSettings());

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
            return Record(true, trigger, $"{settings.Count} vhosts configured");
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
