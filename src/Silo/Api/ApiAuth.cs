using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>
/// "Api:Auth": optional HTTP basic auth (SRS `http_api.auth { enabled; username; password; }`)
/// and/or a bearer token for the HTTP API and the dashboard. Read on every request, so a reload
/// applies at once.
/// </summary>
public sealed class ApiAuthOptions
{
    public const string SectionName = "Api:Auth";

    /// <summary>Basic auth with <see cref="Username"/> and <see cref="Password"/>.</summary>
    public bool Enabled { get; set; }

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    /// <summary>When set, "Authorization: Bearer &lt;token&gt;" is accepted too (or alone, if basic auth is off).</summary>
    public string Token { get; set; } = "";
}

/// <summary>Answers 401 with WWW-Authenticate to API requests without valid credentials; OPTIONS
/// preflights always pass, and the 401 carries the CORS headers so browsers can read it.</summary>
internal static class ApiAuth
{
    public static IApplicationBuilder UseSrsApiAuth(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<ApiAuthOptions>>().CurrentValue;
        var bearer = options.Token.Length > 0;
        // WebRTC signalling is for publishers and players, whose Bearer token is theirs for the hooks (as SRS).
        if (HttpMethods.IsOptions(http.Request.Method) || (!options.Enabled && !bearer) || http.Request.Path.StartsWithSegments("/rtc")
            || IsOpenProbe(http) || IsAuthorized(http.Request, options))
        {
            await next(http);
            return;
        }
        var response = http.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        CrossDomain.AddHeaders(response);
        var challenges = new List<string>();
        // Scripts that ask for their own credentials (the console) say so, as with Spring's convention:
        // a Basic challenge would make the browser prompt over their login form.
        if (options.Enabled && http.Request.Headers["X-Requested-With"] != "XMLHttpRequest")
        {
            challenges.Add("Basic realm=\"SRS\", charset=\"UTF-8\"");
        }
        if (bearer)
        {
            challenges.Add("Bearer realm=\"SRS\"");
        }
        response.Headers.WWWAuthenticate = challenges.ToArray();
        response.ContentType = "application/json";
        await response.WriteAsync("{\"code\":401}");
    });

    /// <summary>Health probes (kubelets send no credentials) and SRS's exporter port, which SRS serves
    /// without authentication, as Prometheus scrapes it.</summary>
    private static bool IsOpenProbe(HttpContext http) =>
        http.Request.Path == "/healthz" || http.Request.Path == "/readyz"
        || (http.RequestServices.GetService<Metrics.ExporterPort>() is { Port: > 0 } exporter && http.Connection.LocalPort == exporter.Port);

    internal static bool IsAuthorized(HttpRequest request, ApiAuthOptions options)
    {
        var header = request.Headers.Authorization.ToString();
        if (options.Enabled && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            }
            catch (FormatException)
            {
                return false;
            }
            var colon = decoded.IndexOf(':');
            return colon >= 0 && options.Username.Length > 0
                && SameText(decoded[..colon], options.Username) & SameText(decoded[(colon + 1)..], options.Password);
        }
        if (options.Token.Length > 0 && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return SameText(header[7..].Trim(), options.Token);
        }
        return false;
    }

    /// <summary>Compares in constant time for equal lengths, so a wrong secret leaks nothing by timing.</summary>
    private static bool SameText(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
