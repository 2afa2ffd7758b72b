using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>Where a client wants to publish or play, resolved the way SRS does it.</summary>
public sealed record StreamAddress(string Vhost, string App, string Stream, string Param)
{
    public string Key => StreamKey.Of(Vhost, App, Stream);

    public string Url => StreamKey.Url(Vhost, App, Stream);

    /// <summary>
    /// Resolves vhost, app, stream and the query param. The vhost is the tcUrl's host unless a
    /// `vhost=` query on the app or stream names another one; a vhost that is not configured falls back
    /// to the default vhost, as in SRS.
    /// </summary>
    public static StreamAddress Resolve(string host, string appWithQuery, string streamWithQuery, IReadOnlySet<string> knownVhosts)
    {
        var (app, appQuery) = SplitQuery(appWithQuery.Trim('/'));
        var (stream, streamQuery) = SplitQuery(streamWithQuery.Trim('/'));
        var vhost = QueryValue(streamQuery, "vhost") ?? QueryValue(appQuery, "vhost")
            ?? QueryValue(streamQuery, "domain") ?? QueryValue(appQuery, "domain") ?? host;
        if (!knownVhosts.Contains(vhost))
        {
            vhost = StreamKey.DefaultVhost;
        }
        var param = streamQuery.Length > 0 ? "?" + streamQuery : appQuery.Length > 0 ? "?" + appQuery : "";
        return new StreamAddress(vhost, app, stream, param);
    }

    /// <summary>Host part of an rtmp:// tcUrl, without port; empty when it has none.</summary>
    public static string HostOf(string tcUrl)
    {
        var rest = tcUrl;
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            rest = rest[(scheme + 3)..];
        }
        var end = rest.IndexOfAny(['/', '?']);
        if (end >= 0)
        {
            rest = rest[..end];
        }
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            return close > 0 ? rest[1..close] : rest;
        }
        var colon = rest.LastIndexOf(':');
        return colon >= 0 ? rest[..colon] : rest;
    }

    private static (string Path, string Query) SplitQuery(string value)
    {
        var q = value.IndexOf('?');
        return q < 0 ? (value, "") : (value[..q], value[(q + 1)..]);
    }

    private static string? QueryValue(string query, string name)
    {
        foreach (var pair in query.Split(['&', ',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair.AsSpan(0, eq).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }
        return null;
    }
}
