using System.Globalization;

namespace OrleansLive.Media.Rtsp;

/// <summary>
/// An RTSP request URL as this server reads it: rtsp://host[:port]/app/stream[?query][/trackID=N]
/// (the query may also come last). The track suffix is what SETUP names, from the a=control of our
/// DESCRIBE (trackID=N) or of a publisher's ANNOUNCE (ffmpeg writes streamid=N).
/// </summary>
public readonly record struct RtspUrl(string Host, string App, string Stream, string Query, int Track)
{
    public const int NoTrack = -1;

    public static bool TryParse(string url, out RtspUrl result)
    {
        result = default;
        if (url.Length > RtspRequestReader.MaxLineBytes)
        {
            return false;
        }
        var rest = url;
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0 || !rest[..scheme].Equals("rtsp", StringComparison.OrdinalIgnoreCase) && !rest[..scheme].Equals("rtsps", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        rest = rest[(scheme + 3)..];
        var slash = rest.IndexOf('/');
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "" : rest[(slash + 1)..];
        var at = authority.LastIndexOf('@');
        var host = at < 0 ? authority : authority[(at + 1)..];
        host = host.StartsWith('[') ? host[..(host.IndexOf(']') is var close and > 0 ? close + 1 : host.Length)] : host.Split(':')[0];
        var track = NoTrack;
        var lastSlash = path.LastIndexOf('/');
        var last = lastSlash < 0 ? "" : path[(lastSlash + 1)..];
        var lastNoQuery = last.Split('?')[0];
        if (TryTrack(lastNoQuery, out var index))
        {
            track = index;
            var trailingQuery = last.Length > lastNoQuery.Length ? last[lastNoQuery.Length..] : "";
            path = path[..lastSlash] + trailingQuery;
        }
        var q = path.IndexOf('?');
        var query = q < 0 ? "" : path[q..];
        path = (q < 0 ? path : path[..q]).Trim('/');
        var parts = path.Split('/');
        if (parts.Length < 2 || parts[0].Length == 0 || parts[^1].Length == 0)
        {
            return false;
        }
        // app may have more than one level (SRS takes all but the last segment as the app).
        result = new RtspUrl(host, string.Join('/', parts[..^1]), parts[^1], query, track);
        return true;
    }

    /// <summary>The track number of an a=control value ("trackID=1", "streamid=0", or a URL ending so); -1 when it has none.</summary>
    public static int TrackOf(string control)
    {
        var segment = control.Split('?')[0];
        segment = segment[(segment.LastIndexOf('/') + 1)..];
        return TryTrack(segment, out var index) ? index : NoTrack;
    }

    private static bool TryTrack(string segment, out int index)
    {
        index = NoTrack;
        var eq = segment.IndexOf('=');
        if (eq < 0)
        {
            return false;
        }
        var key = segment[..eq];
        return (key.Equals("trackID", StringComparison.OrdinalIgnoreCase) || key.Equals("streamid", StringComparison.OrdinalIgnoreCase) || key.Equals("track", StringComparison.OrdinalIgnoreCase))
            && int.TryParse(segment[(eq + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out index) && index < 16;
    }
}
