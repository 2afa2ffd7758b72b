using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>One API call as a handler sees it: the effective method, the id after the resource path,
/// the query, and what it needs to answer.</summary>
internal sealed class SrsRequest(HttpContext http, string method, IGrainFactory grains, SrsServerIdentity server)
{
    public HttpContext Http { get; } = http;

    /// <summary>The HTTP verb, or the JSONP "method=" override (upper case).</summary>
    public string Method { get; } = method;

    public IGrainFactory Grains { get; } = grains;

    public SrsServerIdentity Server { get; } = server;

    /// <summary>The id after the resource path ("/api/v1/streams/{id}"); empty when listing.</summary>
    public string Id => Http.GetRouteValue("id") as string ?? "";

    public bool IsGet => HttpMethods.IsGet(Method);

    public bool IsDelete => HttpMethods.IsDelete(Method);

    public string Query(string name) => Http.Request.Query[name].ToString();

    public DateTime NowUtc { get; } = DateTime.UtcNow;

    /// <summary>The success envelope every SRS reply starts with: code, server, service, pid.</summary>
    public JsonObject Envelope() => new()
    {
        ["code"] = SrsErrorCodes.Success,
        ["server"] = Server.ServerId,
        ["service"] = Server.ServiceId,
        ["pid"] = Server.Pid,
    };

    /// <summary>SRS's list window: start = max(0, start), count = max(10, count), both parsed like C's atoi.</summary>
    public (int Start, int Count) Page() =>
        (Math.Max(0, Atoi(Query("start"))), Math.Max(10, Atoi(Query("count"))));

    /// <summary>Leading sign and digits, anything else ends the number; nothing parsed is 0.</summary>
    internal static int Atoi(string text)
    {
        var s = text.AsSpan().TrimStart();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        long value = 0;
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                break;
            }
            value = Math.Min(value * 10 + (c - '0'), (long)int.MaxValue + 1);
        }
        return (int)Math.Clamp(negative ? -value : value, int.MinValue, int.MaxValue);
    }
}
