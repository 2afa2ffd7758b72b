using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using OrleansLive.GatewayEdge.Protocols.Srt;

namespace OrleansLive.LoadTool;

/// <summary>An SRT caller's address and streamid: <c>srt://host:port?streamid=#!::r=app/stream,m=request</c>.</summary>
public sealed record SrtUrl(string Host, int Port, string StreamId)
{
    public const int DefaultPort = 10080;

    public static bool TryParse(string text, [NotNullWhen(true)] out SrtUrl? url)
    {
        url = null;
        const string Scheme = "srt://";
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var rest = text[Scheme.Length..];
        var q = rest.IndexOf('?');
        var authority = q < 0 ? rest : rest[..q];
        var query = q < 0 ? "" : rest[(q + 1)..];
        var colon = authority.LastIndexOf(':');
        var host = colon < 0 ? authority : authority[..colon];
        var port = DefaultPort;
        if (host.Length == 0 || (colon >= 0 && !int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port)))
        {
            return false;
        }
        // The streamid runs to the end: SRS streamids hold '&' and '=' themselves.
        const string Key = "streamid=";
        var at = query.IndexOf(Key, StringComparison.Ordinal);
        var streamId = at < 0 ? "" : Uri.UnescapeDataString(query[(at + Key.Length)..]);
        url = new SrtUrl(host, port, streamId);
        return true;
    }

    /// <summary>The SRS streamid for <paramref name="stream"/> of this URL's app (and vhost and other
    /// keys), in the given mode; <paramref name="stream"/> null keeps this URL's stream.</summary>
    public string StreamIdFor(string? stream, SrtMode mode)
    {
        if (!SrtStreamId.TryParse(StreamId, out var id, out var reason))
        {
            throw new ArgumentException($"SRT streamid '{StreamId}': {reason}");
        }
        var keys = new List<string> { $"r={id.App}/{stream ?? id.Stream}", mode == SrtMode.Publish ? "m=publish" : "m=request" };
        if (id.Vhost.Length > 0)
        {
            keys.Add("h=" + id.Vhost);
        }
        if (id.Param.Length > 0)
        {
            keys.AddRange(id.Param.Split('&'));
        }
        return "#!::" + string.Join(',', keys);
    }

    public override string ToString() => $"srt://{Host}:{Port}?streamid={StreamId}";
}
