using System.Net.Http.Headers;
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
        if (!services.Any(d => d.ServiceType == typeof(HttpHookClient)))
        {
            AddHookHttpClient(services);
            services.AddSingleton<HttpHookClient>();
        }
        services.TryAddSingleton<VhostConfigStore>();
        return services;
    }

    /// <summary>No redirects or cookies, answers up to 64 KiB; each call sets its own deadline.</summary>
    private static void AddHookHttpClient(IServiceCollection services) =>
        services.AddHttpClient(HttpHookClient.HttpClientName, http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.MaxResponseContentBufferSize = HttpHookClient.MaxResponseBytes;
                http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("OrleansLive", "1.0"));
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                UseCookies = false,
            });
}
