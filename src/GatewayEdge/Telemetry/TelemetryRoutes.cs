using Microsoft.AspNetCore.Routing;
using OrleansLive.GatewayEdge.Protocols.Http;

namespace OrleansLive.GatewayEdge.Telemetry;

/// <summary>/metrics, /healthz and /readyz on a standalone gateway's HTTP port, answered from the host's container.</summary>
internal sealed class TelemetryRoutes(IServiceProvider host) : IHttpPortRoutes
{
    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapLiveTelemetry(host);
}
