using Microsoft.Extensions.Configuration.Json;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Config;

namespace OrleansLive.Silo;

/// <summary>
/// JSON configuration files (appsettings.json and the like) that survive a bad edit: when a reload
/// finds the file unparsable, the previous values stay and the error is reported to
/// <see cref="ConfigFileHealth"/>, which makes the vhost reload refuse with that error. (The stock
/// provider would empty its values, or throw on the file watcher's thread.) The first load still
/// fails loudly.
/// </summary>
internal static class GuardedJsonConfiguration
{
    /// <summary>Swaps every JSON file source of the builder for a guarded one with the same settings.</summary>
    public static void Guard(IConfigurationBuilder configuration, ConfigFileHealth health)
    {
        for (var i = 0; i < configuration.Sources.Count; i++)
        {
            if (configuration.Sources[i] is JsonConfigurationSource json and not GuardedSource)
            {
                configuration.Sources[i] = new GuardedSource(health)
                {
                    Path = json.Path!,
                    Optional = json.Optional,
                    ReloadOnChange = json.ReloadOnChange,
                    ReloadDelay = json.ReloadDelay,
                    FileProvider = json.FileProvider,
                    OnLoadException = json.OnLoadException,
                };
            }
        }
    }

    private sealed class GuardedSource(ConfigFileHealth health) : JsonConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder)
        {
            EnsureDefaults(builder);
            return new GuardedProvider(this, health);
        }
    }

    private sealed class GuardedProvider(JsonConfigurationSource source, ConfigFileHealth health) : JsonConfigurationProvider(source)
    {
        private bool _loaded;

        public override void Load(Stream stream)
        {
            var previous = Data;
            try
            {
                base.Load(stream);
                _loaded = true;
                health.Clear(Source.Path ?? "");
            }
            catch (Exception ex) when (_loaded)
            {
                Data = previous;
                health.Report(Source.Path ?? "", (ex.InnerException ?? ex).Message);
            }
        }
    }
}
