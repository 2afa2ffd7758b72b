using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.Grains.Config;
using Polly.Telemetry;

namespace OrleansLive.Grains.Hooks;

public static class HooksServiceCollectionExtensions
{
    private const string RetryHandler = "retry";

    /// <summary>How Microsoft.Extensions.Http.Resilience names the notification client's pipeline.</summary>
    private const string NotifyPipeline = HttpHookClient.NotifyHttpClientName + "-" + RetryHandler;

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
            AddHookHttpClients(services);
            services.AddSingleton<HttpHookClient>();
        }
        services.TryAddSingleton<VhostConfigStore>();
        return services;
    }

    /// <summary>No redirects or cookies, answers up to 64 KiB, https certificates checked as
    /// <see cref="HookTlsOptions"/> says; each call sets its own deadline. The
    /// notification client retries through <see cref="HookNotifyRetry"/>.</summary>
    private static void AddHookHttpClients(IServiceCollection services)
    {
        services.AddOptions<HttpHookClientOptions>();
        Configure(services.AddHttpClient(HttpHookClient.HttpClientName));
        // HttpHookClient logs each hook call and retry itself, once, as it did before the factory.
        services.Configure<TelemetryOptions>(o =>
        {
            var others = o.SeverityProvider;
            o.SeverityProvider = args => args.Source.PipelineName == NotifyPipeline ? ResilienceEventSeverity.None
                : others?.Invoke(args) ?? args.Event.Severity;
        });
        Configure(services.AddHttpClient(HttpHookClient.NotifyHttpClientName))
            .AddResilienceHandler(RetryHandler, (pipeline, context) => HookNotifyRetry.Configure(pipeline,
                context.ServiceProvider.GetRequiredService<IOptions<HttpHookClientOptions>>().Value,
                context.ServiceProvider.GetRequiredService<ILogger<HttpHookClient>>()));

        static IHttpClientBuilder Configure(IHttpClientBuilder client) => client
            .RemoveAllLoggers()
            .ConfigureHttpClient(http =>
            {
                http.Timeout = Timeout.InfiniteTimeSpan;
                http.MaxResponseContentBufferSize = HttpHookClient.MaxResponseBytes;
                http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("OrleansLive", "1.0"));
            })
            .ConfigurePrimaryHttpMessageHandler(services => HookTls.Apply(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                UseCookies = false,
            }, services));
    }
}
