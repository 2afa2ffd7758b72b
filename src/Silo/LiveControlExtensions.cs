using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Config;
using OrleansLive.Grains.Hooks;
using OrleansLive.Silo.Api;

namespace OrleansLive.Silo;

/// <summary>The silo's share of hooks, reload and API authentication.</summary>
internal static class LiveControlExtensions
{
    /// <summary>Makes the JSON configuration files keep their values when an edit breaks them; the
    /// vhost reload then refuses with the parse error.</summary>
    public static IServiceCollection GuardConfigFiles(this IServiceCollection services, ConfigurationManager configuration)
    {
        var health = new ConfigFileHealth();
        GuardedJsonConfiguration.Guard(configuration, health);
        services.AddSingleton(health);
        return services;
    }

    /// <summary>Hook bodies carry the API's server and service ids; the vhost configuration is
    /// validated at startup and reloaded on SIGHUP; "Api:Auth" configures API authentication.</summary>
    public static IServiceCollection AddLiveControl(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp =>
        {
            var identity = sp.GetRequiredService<SrsServerIdentity>();
            return new HookServerIdentity(identity.ServerId, identity.ServiceId);
        });
        services.AddHostedService<ConfigReloadService>();
        services.Configure<ApiAuthOptions>(configuration.GetSection(ApiAuthOptions.SectionName));
        return services;
    }
}
