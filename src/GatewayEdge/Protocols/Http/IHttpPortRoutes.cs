using Microsoft.AspNetCore.Routing;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>More routes on the gateway's HTTP port, mapped before the live-stream catch-all (a
/// standalone gateway's /metrics and health probes).</summary>
public interface IHttpPortRoutes
{
    void Map(IEndpointRouteBuilder endpoints);
}
