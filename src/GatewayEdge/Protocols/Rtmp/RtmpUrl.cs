using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>An rtmp://host[:port]/app[/...]/stream[?query] URL split the way RTMP clients split it:
/// the last path segment (with the query) is the stream, the rest is the app.</summary>
public sealed record RtmpUrl(string Host, int Port, string App, string Stream)
{
    public const int DefaultPort = 1935;

    public string TcUrl => $"rtmp://{Host}:{Port}/{App}";

    public override string ToString() => $"{TcUrl}/{Stream}";

    public static RtmpUrl Parse(string url)
    {
        if (!TryParse(url, out var parsed))
        {
            throw new FormatException($"Not an rtmp://host/app/stream URL: '{url}'");
        }
        return parsed;
    }

    public static bool TryParse(string url, out RtmpUrl parsed)
    {
        parsed = null!;
        const string scheme = "rtmp://";
        if (!url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var rest = url[scheme.Length..];
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }
        var authority = rest[..slash];
        var path = rest[(slash + 1)..];
        var (pathOnly, query) = path.IndexOf('?') is var q and >= 0 ? (path[..q], path[q..]) : (path, "");
        var last = pathOnly.TrimEnd('/').LastIndexOf('/');
        if (last <= 0)
        {
            return false;
        }
        var app = pathOnly[..last];
        var stream = pathOnly[(last + 1)..].TrimEnd('/') + query;
        var port = DefaultPort;
        var host = authority;
        var colon = authority.LastIndexOf(':');
        if (colon > 0 && !authority.EndsWith(']'))
        {
            if (!int.TryParse(authority[(colon + 1)..], out port) || port is <= 0 or > 65535)
            {
                return false;
            }
            host = authority[..colon];
        }
        host = host.Trim('[', ']');
        if (host.Length == 0 || stream.Length == 0)
        {
            return false;
        }
        parsed = new RtmpUrl(host, port, app, stream);
        return true;
    }
}
