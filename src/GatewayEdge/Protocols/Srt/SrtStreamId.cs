using System.Diagnostics.CodeAnalysis;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>What an SRT caller asks for: play (SRS's <c>m=request</c>, the default) or publish.</summary>
public enum SrtMode
{
    Play,
    Publish,
}

/// <summary>
/// An SRT streamid read with SRS's conventions: <c>#!::r=app/stream,m=publish,h=vhost,k=v</c>, the old
/// <c>#!::h=app/stream</c> and <c>#!::h=vhost/app/stream</c>, or a plain <c>app/stream[?query]</c> or bare
/// stream under the default app. Vhost is empty for the default vhost; Param is the other key/value pairs
/// joined with <c>&amp;</c> (no leading <c>?</c>).
/// </summary>
public sealed record SrtStreamId(string Vhost, string App, string Stream, SrtMode Mode, string Param)
{
    public const string DefaultApp = "live";

    private const string KeyedPrefix = "#!::";

    public static bool TryParse(string? streamId, [NotNullWhen(true)] out SrtStreamId? result, out string reason) =>
        TryParse(streamId, DefaultApp, out result, out reason);

    public static bool TryParse(string? streamId, string defaultApp, [NotNullWhen(true)] out SrtStreamId? result, out string reason)
    {
        result = null;
        if (string.IsNullOrEmpty(streamId))
        {
            reason = "empty streamid";
            return false;
        }
        if (streamId.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            reason = "streamid contains whitespace or control characters";
            return false;
        }
        return streamId.StartsWith(KeyedPrefix, StringComparison.Ordinal)
            ? TryParseKeyed(streamId[KeyedPrefix.Length..], defaultApp, out result, out reason)
            : TryParsePlain(streamId, defaultApp, out result, out reason);
    }

    private static bool TryParsePlain(string streamId, string defaultApp, out SrtStreamId? result, out string reason)
    {
        var q = streamId.IndexOf('?');
        var path = q < 0 ? streamId : streamId[..q];
        var param = q < 0 ? "" : streamId[(q + 1)..];
        return TryBuild(path, "", SrtMode.Play, param, defaultApp, out result, out reason);
    }

    private static bool TryParseKeyed(string body, string defaultApp, out SrtStreamId? result, out string reason)
    {
        result = null;
        string? resource = null;
        string? host = null;
        var mode = SrtMode.Play;
        var extra = new List<string>();
        // SRS rewrites '?' to ',' so "#!::h=live/s?secret=x,m=publish" keeps working.
        foreach (var pair in body.Replace('?', ',').Split([',', '&', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                reason = $"malformed key=value pair '{pair}'";
                return false;
            }
            var key = pair[..eq];
            var value = pair[(eq + 1)..];
            switch (key)
            {
                case "r":
                    resource = value;
                    break;
                case "h":
                    host = value;
                    break;
                case "m":
                    if (value.Equals("publish", StringComparison.OrdinalIgnoreCase))
                    {
                        mode = SrtMode.Publish;
                    }
                    else if (value.Equals("request", StringComparison.OrdinalIgnoreCase))
                    {
                        mode = SrtMode.Play;
                    }
                    else
                    {
                        reason = $"unknown mode m={value} (expected publish or request)";
                        return false;
                    }
                    break;
                default:
                    extra.Add(pair);
                    break;
            }
        }

        var vhost = "";
        if (host is not null)
        {
            var first = host.IndexOf('/');
            if (first < 0)
            {
                vhost = host;
            }
            else if (first == host.LastIndexOf('/'))
            {
                // Old style h=app/stream.
                resource ??= host;
            }
            else
            {
                // Old style h=vhost/app/stream.
                vhost = host[..first];
                resource ??= host[(first + 1)..];
            }
        }
        if (resource is null)
        {
            reason = "no resource: expected r=app/stream or h=app/stream";
            return false;
        }
        return TryBuild(resource, vhost, mode, string.Join('&', extra), defaultApp, out result, out reason);
    }

    private static bool TryBuild(string path, string vhost, SrtMode mode, string param, string defaultApp, out SrtStreamId? result, out string reason)
    {
        result = null;
        var slash = path.IndexOf('/');
        var app = slash < 0 ? defaultApp : path[..slash];
        var stream = slash < 0 ? path : path[(slash + 1)..];
        if (app.Length == 0)
        {
            reason = "empty app name";
            return false;
        }
        if (stream.Length == 0)
        {
            reason = "empty stream name";
            return false;
        }
        result = new SrtStreamId(vhost, app, stream, mode, param);
        reason = "";
        return true;
    }
}
