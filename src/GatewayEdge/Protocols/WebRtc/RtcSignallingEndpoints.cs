using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

public static class RtcSignallingEndpoints
{
    /// <summary>Maps /rtc/v1/ (every verb: POST offers, DELETE sessions, OPTIONS preflights) to the
    /// gateway's signalling; a host without a gateway answers 404.</summary>
    public static IEndpointRouteBuilder MapRtcSignalling(this IEndpointRouteBuilder endpoints)
    {
        endpoints.Map("/rtc/v1/{**rest}", async http =>
        {
            if (http.RequestServices.GetService<RtcSignalling>() is not { } signalling || !await signalling.TryHandleAsync(http))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }).WithDisplayName("WebRTC signalling");
        return endpoints;
    }
}
