using System.Globalization;
using System.Text;

namespace OrleansLive.GatewayEdge.Recording.Hls;

/// <summary>One variant stream of a master playlist: its media playlist's URI, bitrates in bits per
/// second, picture size (0 when unknown or audio only) and RFC 6381 codecs (empty when unknown).</summary>
public sealed record HlsVariant(string Uri, long Bandwidth, long AverageBandwidth, int Width, int Height, string Codecs);

/// <summary>
/// An HLS master (multivariant) playlist, RFC 8216 section 4.3.4.2: one EXT-X-STREAM-INF per variant
/// with BANDWIDTH (the peak segment bitrate), AVERAGE-BANDWIDTH, RESOLUTION and CODECS.
/// </summary>
public static class HlsMasterPlaylist
{
    public static string Build(IEnumerable<HlsVariant> variants)
    {
        var text = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        foreach (var variant in variants)
        {
            text.Append("#EXT-X-STREAM-INF:BANDWIDTH=").Append(Math.Max(1, variant.Bandwidth).ToString(CultureInfo.InvariantCulture));
            if (variant.AverageBandwidth > 0)
            {
                text.Append(",AVERAGE-BANDWIDTH=").Append(variant.AverageBandwidth.ToString(CultureInfo.InvariantCulture));
            }
            if (variant.Width > 0 && variant.Height > 0)
            {
                text.Append(",RESOLUTION=").Append(variant.Width.ToString(CultureInfo.InvariantCulture)).Append('x')
                    .Append(variant.Height.ToString(CultureInfo.InvariantCulture));
            }
            if (variant.Codecs.Length > 0)
            {
                text.Append(",CODECS=\"").Append(variant.Codecs).Append('"');
            }
            text.Append('\n').Append(variant.Uri).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The segments of a media playlist: each EXTINF duration and the URI after it.</summary>
    public static IReadOnlyList<(double Duration, string Uri)> Segments(string mediaPlaylist)
    {
        var segments = new List<(double, string)>();
        double? duration = null;
        foreach (var raw in mediaPlaylist.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var value = line[8..].Split(',')[0];
                duration = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
            }
            else if (line.Length > 0 && line[0] != '#' && duration is { } d)
            {
                segments.Add((d, line));
                duration = null;
            }
        }
        return segments;
    }

    /// <summary>Peak and average bits per second of segments given their durations and sizes; zeros for none.</summary>
    public static (long Peak, long Average) Bitrates(IEnumerable<(double Duration, long Bytes)> segments)
    {
        double peak = 0, seconds = 0, bytes = 0;
        foreach (var (duration, size) in segments)
        {
            if (duration <= 0)
            {
                continue;
            }
            peak = Math.Max(peak, size * 8 / duration);
            seconds += duration;
            bytes += size;
        }
        return seconds > 0 ? ((long)Math.Ceiling(peak), (long)Math.Ceiling(bytes * 8 / seconds)) : (0, 0);
    }

    /// <summary>The CODECS attribute of a variant's tracks (e.g. "avc1.64001E,mp4a.40.2").</summary>
    public static string Codecs(string? video, string? audio) =>
        string.Join(',', new[] { video, audio }.Where(c => !string.IsNullOrEmpty(c)));
}
