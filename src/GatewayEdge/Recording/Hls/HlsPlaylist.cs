using System.Globalization;
using System.Text;

namespace OrleansLive.GatewayEdge.Recording.Hls;

/// <summary>One segment listed in a media playlist.</summary>
/// <param name="File">Where the segment is on disk (as the template made it).</param>
/// <param name="Uri">The segment's URI in the playlist, relative to the playlist.</param>
/// <param name="MapUri">fMP4 only: the init segment's URI (EXT-X-MAP) and <paramref name="MapFile"/> its file.</param>
public sealed record HlsEntry(long Sequence, string File, string Uri, double Duration, bool Discontinuity, string? MapUri = null, string? MapFile = null);

/// <summary>
/// A live HLS media playlist (RFC 8216): a sliding window of segments with EXT-X-MEDIA-SEQUENCE,
/// EXT-X-DISCONTINUITY (and its sequence once such a segment leaves the window), EXT-X-MAP for
/// fMP4, and EXT-X-ENDLIST once the publish ended. The target duration never decreases, as the
/// RFC asks.
/// </summary>
public sealed class HlsPlaylist
{
    private readonly List<HlsEntry> _entries = [];

    public HlsPlaylist(double fragmentSeconds)
    {
        TargetDuration = Math.Max(1, (int)Math.Ceiling(fragmentSeconds));
    }

    public IReadOnlyList<HlsEntry> Entries => _entries;

    public int TargetDuration { get; private set; }

    public long DiscontinuitySequence { get; private set; }

    /// <summary>Set when the publish ended; the next segment added clears it.</summary>
    public bool Ended { get; set; }

    public double TotalDuration => _entries.Sum(e => e.Duration);

    public void Add(HlsEntry entry)
    {
        _entries.Add(entry);
        Ended = false;
        // RFC 8216 4.3.3.1: each EXTINF, rounded to the nearest integer, is at most the target duration.
        TargetDuration = Math.Max(TargetDuration, (int)Math.Round(entry.Duration, MidpointRounding.AwayFromZero));
    }

    /// <summary>Drops the oldest segments while the playlist lasts longer than the window, keeping at
    /// least one; returns what was dropped so its files can be deleted.</summary>
    public List<HlsEntry> Trim(double windowSeconds)
    {
        var removed = new List<HlsEntry>();
        var total = TotalDuration;
        while (_entries.Count > 1 && total > windowSeconds)
        {
            var oldest = _entries[0];
            _entries.RemoveAt(0);
            total -= oldest.Duration;
            if (oldest.Discontinuity)
            {
                DiscontinuitySequence++;
            }
            removed.Add(oldest);
        }
        return removed;
    }

    /// <summary>Forgets every segment (after their files were disposed).</summary>
    public List<HlsEntry> Clear()
    {
        var all = _entries.ToList();
        _entries.Clear();
        return all;
    }

    public string Render()
    {
        var fmp4 = _entries.Any(e => e.MapUri is not null);
        var text = new StringBuilder(256 + (_entries.Count * 48));
        text.Append("#EXTM3U\n");
        // EXT-X-MAP in a media playlist without I-frames needs version 6; 7 covers CMAF players.
        text.Append("#EXT-X-VERSION:").Append(fmp4 ? 7 : 3).Append('\n');
        text.Append("#EXT-X-TARGETDURATION:").Append(TargetDuration.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var first = _entries.Count > 0 ? _entries[0].Sequence : 0;
        text.Append("#EXT-X-MEDIA-SEQUENCE:").Append(first.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (DiscontinuitySequence > 0)
        {
            text.Append("#EXT-X-DISCONTINUITY-SEQUENCE:").Append(DiscontinuitySequence.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        string? map = null;
        foreach (var entry in _entries)
        {
            if (entry.Discontinuity)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }
            if (entry.MapUri is not null && entry.MapUri != map)
            {
                map = entry.MapUri;
                text.Append("#EXT-X-MAP:URI=\"").Append(map).Append("\"\n");
            }
            text.Append("#EXTINF:").Append(entry.Duration.ToString("0.000", CultureInfo.InvariantCulture)).Append(",\n");
            text.Append(entry.Uri).Append('\n');
        }
        if (Ended)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }
        return text.ToString();
    }
}
