using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansLive.Grains.Config;
using OrleansLive.Grains.Hooks;

namespace OrleansLive.Grains;

public static class LiveGrainsSiloBuilderExtensions
{
    /// <summary>
    /// Registers the options the live grains read: <see cref="StreamGrainOptions"/> from "Streams",
    /// <see cref="GatewayGrainOptions"/> from "Gateways" and named <see cref="VhostOptions"/> from
    /// "Vhosts:&lt;name&gt;". Later <c>services.Configure</c> calls override the configuration.
    /// The storage provider <see cref="StorageNames.Default"/> must be registered by the caller.
    /// </summary>
    public static ISiloBuilder AddLiveGrains(this ISiloBuilder builder)
    {
        builder.Services.AddOptions<StreamGrainOptions>()
            .Configure<IServiceProvider>((o, sp) => Bind(sp, StreamGrainOptions.SectionName, o));
        builder.Services.AddOptions<GatewayGrainOptions>()
            .Configure<IServiceProvider>((o, sp) => Bind(sp, GatewayGrainOptions.SectionName, o));
        builder.Services.AddSingleton<IConfigureOptions<VhostOptions>, VhostOptionsSetup>();
        builder.Services.AddLiveHooks();
        builder.Services.AddSingleton<VhostConfigSync>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<VhostConfigSync>());
        builder.Services.AddForwardBackend();
        return builder;
    }

    // Bound through the provider rather than BindConfiguration so hosts without IConfiguration still work.
    private static void Bind(IServiceProvider services, string section, object options) =>
        services.GetService<IConfiguration>()?.GetSection(section).Bind(options);
}
