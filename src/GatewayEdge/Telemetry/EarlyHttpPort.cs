using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansLive.GatewayEdge.Protocols.Http;

namespace OrleansLive.GatewayEdge.Telemetry;

/// <summary>
/// Opens a standalone gateway's HTTP port before its Orleans client connects, so /healthz and /readyz
/// (503 until the cluster is reached) answer while the silos are away. Registered ahead of the client;
/// the server's own registration later finds it started and stops it at shutdown.
/// </summary>
internal sealed class EarlyHttpPort(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => services.GetRequiredService<HttpStreamServer>().StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class StandaloneGatewayTelemetry
{
    /// <summary>For a standalone gateway: metrics and probes on its HTTP port, which opens before the
    /// cluster client connects. Call before UseOrleansClient.</summary>
    public static IServiceCollection AddStandaloneGatewayTelemetry(this IServiceCollection services)
    {
        services.AddHostedService<EarlyHttpPort>();
        services.AddSingleton<IHttpPortRoutes>(sp => new TelemetryRoutes(sp));
        return services.AddLiveTelemetry();
    }
}
