using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansLive.Grains.Forward;
using OrleansLive.Grains.Hooks;

namespace OrleansLive.Grains;

internal static class ForwardServiceCollectionExtensions
{
    /// <summary>The on_forward backend client, its HTTP client and <see cref="ForwardBackendOptions"/> from "Forward".</summary>
    public static IServiceCollection AddForwardBackend(this IServiceCollection services)
    {
        services.AddOptions<ForwardBackendOptions>()
            .Configure<IServiceProvider>((o, sp) => sp.GetService<IConfiguration>()?.GetSection(ForwardBackendOptions.SectionName).Bind(o));
        // An https backend's certificate is checked like a hook backend's (Hooks:TrustedCertFile).
        services.AddHttpClient(ForwardBackendClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => HookTls.Apply(new SocketsHttpHandler(), sp));
        services.TryAddSingleton<ForwardBackendClient>();
        return services;
    }
}
