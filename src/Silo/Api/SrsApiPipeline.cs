using System.Text;
using System.Text.RegularExpressions;
using OrleansLive.GatewayEdge;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>
/// What every SRS API reply shares: CORS headers (SRS's http_api.crossdomain, on by default),
/// OPTIONS answered 200 with an empty body, JSONP via "callback=" (with "method=" overriding the
/// verb, as SRS allows for JSONP callers that can only GET), and JSON otherwise.
/// </summary>
internal static partial class SrsApiPipeline
{
    public static async Task Run(HttpContext http, Func<SrsRequest, Task<SrsReply>> handler)
    {
        if (CrossDomain.Answer(http))
        {
            return;
        }
        var response = http.Response;

        // Only a plain (dotted) identifier is echoed back as a callback, so the reply stays a script call.
        var callback = http.Request.Query["callback"].ToString();
        var jsonp = callback.Length > 0 && CallbackName().IsMatch(callback);
        var methodOverride = http.Request.Query["method"].ToString();
        var method = jsonp && methodOverride.Length > 0 ? methodOverride.ToUpperInvariant() : http.Request.Method;

        var services = http.RequestServices;
        var request = new SrsRequest(http, method,
            services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<SrsServerIdentity>());
        var reply = await handler(request);

        response.StatusCode = reply.Status;
        if (reply.Body is null)
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(reply.Status == StatusCodes.Status405MethodNotAllowed ? "Method Not Allowed" : "");
            return;
        }

        var json = reply.Body.ToJsonString();
        response.ContentType = jsonp ? "text/javascript" : "application/json";
        var bytes = Encoding.UTF8.GetBytes(jsonp ? $"{callback}({json})" : json);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$")]
    private static partial Regex CallbackName();
}
