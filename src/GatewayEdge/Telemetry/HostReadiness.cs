using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace OrleansLive.GatewayEdge.Telemetry;

/// <summary>
/// Ready once the host has started every service (a silo has joined its cluster, a standalone
/// gateway's Orleans client has connected: both start before the host counts as started) and the
/// gateway's listeners are bound; not ready again once shutdown begins.
/// </summary>
internal sealed class HostReadiness(IHostApplicationLifetime lifetime, GatewayEndpoints? endpoints = null) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = lifetime.ApplicationStopping.IsCancellationRequested ? HealthCheckResult.Unhealthy("shutting down")
            : !lifetime.ApplicationStarted.IsCancellationRequested ? HealthCheckResult.Unhealthy("starting: not in the cluster yet")
            : endpoints is { Ready.IsCompletedSuccessfully: false } ? HealthCheckResult.Unhealthy("listeners not bound yet")
            : HealthCheckResult.Healthy();
        return Task.FromResult(result);
    }
}
