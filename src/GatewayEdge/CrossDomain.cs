using Microsoft.AspNetCore.Http;

namespace OrleansLive.GatewayEdge;

/// <summary>
/// SRS's `crossdomain on` (http_api and http_server alike): every reply allows any origin, method
/// and header, with or without an Origin header, and OPTIONS is answered 200 with an empty body.
/// ASP.NET Core's CORS middleware answers only requests that carry an Origin, echoes the requested
/// method and headers and answers preflights 204, which SRS players and tools do not expect.
/// </summary>
public static class CrossDomain
{
    public static void AddHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowHeaders = "*";
        headers.AccessControlAllowMethods = "*";
        headers.AccessControlExposeHeaders = "*";
        headers.AccessControlAllowCredentials = "false";
    }

    /// <summary>Adds the headers; answers an OPTIONS request itself (true) so the caller stops there.</summary>
    public static bool Answer(HttpContext http)
    {
        AddHeaders(http.Response);
        if (!HttpMethods.IsOptions(http.Request.Method))
        {
            return false;
        }
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentLength = 0;
        return true;
    }
}
