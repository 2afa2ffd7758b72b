using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Telemetry;

/// <summary>
/// Prometheus metrics (OpenTelemetry's exporter) and the health probes, for a silo and a standalone
/// gateway alike: GET /metrics in Prometheus text, /healthz (200 while the process serves HTTP) and
/// /readyz (200 once <see cref="HostReadiness"/> says so, else 503).
/// </summary>
public static class LiveTelemetry
{
    public const string MetricsPath = "/metrics";

    /// <summary>The meters every process exports: the gateway's, the hooks', Orleans' own and the .NET runtime's.</summary>
    private static readonly string[] Meters = [GatewayMetrics.MeterName, "OrleansLive.Hooks", "Microsoft.Orleans", "System.Runtime"];

    /// <summary>Registers the meter provider with the Prometheus exporter (plus <paramref name="meters"/>)
    /// and the readiness check.</summary>
    public static IServiceCollection AddLiveTelemetry(this IServiceCollection services, params string[] meters)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. Meters, .. meters])
            .AddPrometheusExporter(o =>
            {
                // Every scrape reads fresh values; SRS's metric names stay as they are, without scope labels.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
            }));
        services.AddHealthChecks().AddCheck<HostReadiness>("ready", tags: ["ready"]);
        return services;
    }

    /// <summary>Maps /metrics, /healthz and /readyz. <paramref name="host"/> is the container that
    /// holds the meter provider and the health checks, when the endpoints live in another
    /// (the gateway's HTTP stream server is a web application of its own).</summary>
    public static IEndpointRouteBuilder MapLiveTelemetry(this IEndpointRouteBuilder endpoints, IServiceProvider? host = null)
    {
        host ??= endpoints.ServiceProvider;
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath, host.GetRequiredService<MeterProvider>(), null, null);
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", async (HttpContext http) =>
        {
            var report = await host.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains("ready"), http.RequestAborted);
            var ready = report.Status == HealthStatus.Healthy;
            http.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            var reasons = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => e.Value.Description ?? e.Key);
            await http.Response.WriteAsJsonAsync(new { ready, reasons }, JsonSerializerOptions.Web, http.RequestAborted);
        });
        return endpoints;
    }
}
