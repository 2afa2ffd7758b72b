using System.Globalization;
using System.Text;

namespace OrleansLive.Media.Containers.Hls;

/// <summary>A partial segment (EXT-X-PART) of a low-latency playlist.</summary>
public sealed record LowLatencyPart(string Uri, double Duration, bool Independent);

/// <summary>A media segment of a low-latency playlist: complete once it has a duration, open while parts are added.</summary>
public sealed class LowLatencySegment(long sequence, string uri, string mapUri, DateTimeOffset programDateTime, bool discontinuity)
{
    private readonly List<LowLatencyPart> _parts = [];

    public long Sequence { get; } = sequence;

    public string Uri { get; } = uri;

    public string MapUri { get; } = mapUri;

    /// <summary>Wall-clock time of the segment's first sample (EXT-X-PROGRAM-DATE-TIME).</summary>
    public DateTimeOffset ProgramDateTime { get; } = programDateTime;

    public bool Discontinuity { get; } = discontinuity;

    public IReadOnlyList<LowLatencyPart> Parts => _parts;

    public bool Complete { get; internal set; }

    /// <summary>The sum of its parts' durations (the EXTINF once complete).</summary>
    public double Duration { get; private set; }

    internal void Add(LowLatencyPart part)
    {
        _parts.Add(part);
        Duration += part.Duration;
    }
}

/// <summary>What a blocking playlist request (RFC 8216bis 6.2.5.2, `_HLS_msn` / `_HLS_part`) gets now.</summary>
public enum BlockingReload
{
    /// <summary>The playlist holds the requested segment or part, or a later one (or the stream ended): answer now.</summary>
    Ready,

    /// <summary>Hold the request until the playlist changes.</summary>
    Wait,

    /// <summary>Too far beyond the live edge (more than two segments, or the Advance Part Limit): 400 at once.</summary>
    TooFarAhead,
}

/// <summary>
/// A live Low-Latency HLS media playlist (RFC 8216bis, Apple LL-HLS) over fMP4 parts: a sliding window of
/// segments, each the concatenation of its parts, with EXT-X-PART for the segments of the last three
/// target durations, EXT-X-PRELOAD-HINT for the part being written, EXT-X-SERVER-CONTROL (blocking reload,
/// delta updates, part hold-back), EXT-X-PROGRAM-DATE-TIME per segment, and EXT-X-SKIP in delta updates.
/// URIs are made from <c>baseName</c>: "base-N.m4s" for segment N and "base-N.P.m4s" for its part P.
/// Pure state and text: the caller locks, holds the bytes and answers requests. Not thread safe.
/// </summary>
public sealed class LowLatencyPlaylist
{
    private readonly List<LowLatencySegment> _segments = [];
    private readonly string _baseName;
    private LowLatencySegment? _open;

    public LowLatencyPlaylist(string baseName, double segmentSeconds, double partSeconds, double windowSeconds, long firstSequence = 0)
    {
        _baseName = baseName;
        TargetDuration = Math.Max(1, (int)Math.Ceiling(segmentSeconds));
        PartTarget = partSeconds;
        WindowSeconds = windowSeconds;
        NextSequence = firstSequence;
    }

    /// <summary>EXT-X-TARGETDURATION: at least the configured segment length, never decreasing.</summary>
    public int TargetDuration { get; private set; }

    /// <summary>EXT-X-PART-INF's PART-TARGET in seconds.</summary>
    public double PartTarget { get; }

    public double WindowSeconds { get; }

    /// <summary>The media sequence number the next segment gets.</summary>
    public long NextSequence { get; private set; }

    public long DiscontinuitySequence { get; private set; }

    /// <summary>The publish ended: EXT-X-ENDLIST, no preload hint, every blocking request answered.</summary>
    public bool Ended { get; private set; }

    /// <summary>Complete segments in the window, oldest first, then the open one (if any).</summary>
    public IEnumerable<LowLatencySegment> Segments => _open is null ? _segments : _segments.Append(_open);

    public LowLatencySegment? Open => _open;

    /// <summary>PART-HOLD-BACK: three part targets, as Apple recommends (at least two are required).</summary>
    public double PartHoldBack => 3 * PartTarget;

    /// <summary>CAN-SKIP-UNTIL: six target durations, the least the RFC allows.</summary>
    public double SkipUntil => 6.0 * TargetDuration;

    /// <summary>How far past the newest part a request may ask before it is refused (RFC 8216bis 6.2.5.2).</summary>
    public int AdvancePartLimit => PartTarget < 1 ? (int)Math.Floor(3 / PartTarget) : 3;

    /// <summary>The URI the next part will have: the preload hint.</summary>
    public string NextPartUri => _open is { } open ? PartUri(open.Sequence, open.Parts.Count) : PartUri(NextSequence, 0);

    public string SegmentUri(long sequence) => $"{_baseName}-{sequence.ToString(CultureInfo.InvariantCulture)}.m4s";

    public string PartUri(long sequence, int part) =>
        $"{_baseName}-{sequence.ToString(CultureInfo.InvariantCulture)}.{part.ToString(CultureInfo.InvariantCulture)}.m4s";

    /// <summary>Opens a segment (closing any open one); a republish or decoder change sets <paramref name="discontinuity"/>.</summary>
    public LowLatencySegment BeginSegment(string mapUri, DateTimeOffset programDateTime, bool discontinuity)
    {
        EndSegment();
        Ended = false;
        var sequence = NextSequence++;
        _open = new LowLatencySegment(sequence, SegmentUri(sequence), mapUri, programDateTime, discontinuity);
        return _open;
    }

    /// <summary>Adds a finished part to the open segment and returns its URI.</summary>
    public LowLatencyPart AddPart(double duration, bool independent)
    {
        var open = _open ?? throw new InvalidOperationException("No open segment to add a part to.");
        var part = new LowLatencyPart(PartUri(open.Sequence, open.Parts.Count), Math.Max(0, duration), independent);
        open.Add(part);
        return part;
    }

    /// <summary>Completes the open segment (one without parts is dropped) and returns the segments that left the window.</summary>
    public List<LowLatencySegment> EndSegment()
    {
        var removed = new List<LowLatencySegment>();
        if (_open is not { } open)
        {
            return removed;
        }
        _open = null;
        if (open.Parts.Count == 0)
        {
            removed.Add(open);
            return removed;
        }
        open.Complete = true;
        _segments.Add(open);
        // RFC 8216 4.3.3.1: each EXTINF, rounded to the nearest integer, is at most the target duration.
        TargetDuration = Math.Max(TargetDuration, (int)Math.Round(open.Duration, MidpointRounding.AwayFromZero));
        var total = _segments.Sum(s => s.Duration);
        while (_segments.Count > 1 && total > WindowSeconds)
        {
            var oldest = _segments[0];
            _segments.RemoveAt(0);
            total -= oldest.Duration;
            if (oldest.Discontinuity)
            {
                DiscontinuitySequence++;
            }
            removed.Add(oldest);
        }
        return removed;
    }

    /// <summary>The publish ended: the open segment completes and the playlist gets EXT-X-ENDLIST.</summary>
    public List<LowLatencySegment> End()
    {
        var removed = EndSegment();
        Ended = true;
        return removed;
    }

    /// <summary>Whether a request for segment <paramref name="sequence"/> (and part <paramref name="part"/> of it)
    /// can be answered now, must wait, or asks too far ahead.</summary>
    public BlockingReload Check(long sequence, int? part)
    {
        if (Ended)
        {
            return BlockingReload.Ready;
        }
        var lastComplete = _segments.Count > 0 ? _segments[^1].Sequence : NextSequence - (_open is null ? 1 : 2);
        if (sequence > lastComplete + 2)
        {
            return BlockingReload.TooFarAhead;
        }
        if (part is not { } p)
        {
            return sequence <= lastComplete ? BlockingReload.Ready : BlockingReload.Wait;
        }
        // The newest part, as (segment, index); a request is met by that part or any later one.
        var (newestSegment, newestPart) = _open is { Parts.Count: > 0 } open
            ? (open.Sequence, open.Parts.Count - 1)
            : _segments.Count > 0 ? (_segments[^1].Sequence, _segments[^1].Parts.Count - 1) : (-1L, -1);
        if (newestSegment > sequence || (newestSegment == sequence && newestPart >= p))
        {
            return BlockingReload.Ready;
        }
        var ahead = sequence == newestSegment ? p - newestPart : p + 1 + ((sequence - newestSegment - 1) * PartsPerSegment());
        return ahead > AdvancePartLimit ? BlockingReload.TooFarAhead : BlockingReload.Wait;
    }

    private int PartsPerSegment() => (int)Math.Ceiling(TargetDuration / Math.Max(0.01, PartTarget));

    /// <summary>
    /// The playlist text. <paramref name="skip"/> asks for a delta update (`_HLS_skip=YES`): segments that end
    /// more than CAN-SKIP-UNTIL before the end of the playlist become one EXT-X-SKIP. <paramref name="uriQuery"/>
    /// (e.g. "?vhost=x", or empty) is appended to every URI, since relative URIs resolve without the
    /// playlist's query.
    /// </summary>
    public string Render(bool skip = false, string uriQuery = "")
    {
        var text = new StringBuilder(1024 + (_segments.Count * 400));
        var inv = CultureInfo.InvariantCulture;
        text.Append("#EXTM3U\n#EXT-X-VERSION:9\n");
        text.Append("#EXT-X-TARGETDURATION:").Append(TargetDuration.ToString(inv)).Append('\n');
        text.Append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=").Append(SkipUntil.ToString("0.0", inv))
            .Append(",PART-HOLD-BACK=").Append(PartHoldBack.ToString("0.000", inv)).Append('\n');
        text.Append("#EXT-X-PART-INF:PART-TARGET=").Append(PartTarget.ToString("0.000", inv)).Append('\n');
        var first = _segments.Count > 0 ? _segments[0].Sequence : _open?.Sequence ?? NextSequence;
        text.Append("#EXT-X-MEDIA-SEQUENCE:").Append(first.ToString(inv)).Append('\n');
        if (DiscontinuitySequence > 0)
        {
            text.Append("#EXT-X-DISCONTINUITY-SEQUENCE:").Append(DiscontinuitySequence.ToString(inv)).Append('\n');
        }

        var total = _segments.Sum(s => s.Duration) + (_open?.Duration ?? 0);
        var skipped = 0;
        if (skip)
        {
            var end = 0.0;
            while (skipped < _segments.Count && total - (end + _segments[skipped].Duration) > SkipUntil)
            {
                end += _segments[skipped].Duration;
                skipped++;
            }
            text.Append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").Append(skipped.ToString(inv)).Append('\n');
        }

        // Parts are listed for the segments that end within three target durations of the playlist's end.
        var partsFrom = total - (3.0 * TargetDuration);
        var start = 0.0;
        string? map = null;
        var index = 0;
        foreach (var segment in Segments)
        {
            var segmentStart = start;
            start += segment.Duration;
            if (index++ < skipped || segment.Parts.Count == 0)
            {
                continue;
            }
            if (segment.Discontinuity)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }
            if (segment.MapUri != map)
            {
                map = segment.MapUri;
                text.Append("#EXT-X-MAP:URI=\"").Append(map).Append(uriQuery).Append("\"\n");
            }
            text.Append("#EXT-X-PROGRAM-DATE-TIME:").Append(segment.ProgramDateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", inv)).Append('\n');
            if (!segment.Complete || segmentStart + segment.Duration > partsFrom)
            {
                foreach (var part in segment.Parts)
                {
                    text.Append("#EXT-X-PART:DURATION=").Append(part.Duration.ToString("0.000", inv)).Append(",URI=\"").Append(part.Uri).Append(uriQuery).Append('"');
                    if (part.Independent)
                    {
                        text.Append(",INDEPENDENT=YES");
                    }
                    text.Append('\n');
                }
            }
            if (segment.Complete)
            {
                text.Append("#EXTINF:").Append(segment.Duration.ToString("0.000", inv)).Append(",\n");
                text.Append(segment.Uri).Append(uriQuery).Append('\n');
            }
        }
        if (Ended)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }
        else
        {
            text.Append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").Append(NextPartUri).Append(uriQuery).Append("\"\n");
        }
        return text.ToString();
    }
}
