using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansLive.GatewayEdge.Tls;

public static class TlsServiceCollectionExtensions
{
    /// <summary>The one <see cref="ServerCertificate"/> of the process, from the "Https" section; the
    /// gateway and the silo's API share it.</summary>
    public static IServiceCollection AddServerCertificate(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(d => d.ServiceType == typeof(ServerCertificate)))
        {
            services.Configure<HttpsOptions>(configuration.GetSection(HttpsOptions.Section));
            services.TryAddSingleton<ServerCertificate>();
        }
        return services;
    }
}
