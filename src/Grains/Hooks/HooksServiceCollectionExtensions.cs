using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansLive.Grains.Config;

namespace OrleansLive.Grains.Hooks;

public static class HooksServiceCollectionExtensions
{
    /// <summary>
    /// What the grains need for hooks, security rules and reloadable vhost settings: the hook HTTP
    /// client, the server identity hook bodies carry (a random one unless the host registers its own)
    /// and the validated vhost configuration.
    /// </summary>
    public static IServiceCollection AddLiveHooks(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => HookServerIdentity.CreateRandom());
        services.TryAddSingleton<HttpHookClient>();
        services.TryAddSingleton<VhostConfigStore>();
        return services;
    }
}
