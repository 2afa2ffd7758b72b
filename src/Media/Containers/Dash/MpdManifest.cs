namespace OrleansLive.Media.Containers.Dash;

/// <summary>
/// What a live (dynamic) MPD says: when media time 0 was on the wall clock, how often players should
/// re-read it, how far back they may seek, and the representations with their listed segments.
/// </summary>
/// <param name="AvailabilityStart">Wall-clock time of media time 0 (availabilityStartTime).</param>
/// <param name="PublishTime">When this version of the MPD was made.</param>
/// <param name="MinimumUpdatePeriod">How long a player may keep this MPD before reading it again.</param>
/// <param name="TimeShiftBufferDepth">How far behind the live edge segments stay available.</param>
/// <param name="MinBufferTime">How much a player should buffer before it starts.</param>
/// <param name="SuggestedPresentationDelay">How far behind the live edge a player should play.</param>
public sealed record MpdManifest(
    DateTimeOffset AvailabilityStart,
    DateTimeOffset PublishTime,
    TimeSpan MinimumUpdatePeriod,
    TimeSpan TimeShiftBufferDepth,
    TimeSpan MinBufferTime,
    TimeSpan SuggestedPresentationDelay,
    IReadOnlyList<MpdRepresentation> Representations);

/// <summary>
/// One representation, in its own adaptation set (one track each: players such as dash.js need audio
/// and video apart) unless <see cref="Group"/> names a set it shares with others of the same kind (the
/// variants of adaptive bitrate). <see cref="Media"/> and <see cref="Initialization"/> are SegmentTemplate URLs,
/// relative to the MPD, with <c>$Number$</c> and <c>$RepresentationID$</c> as DASH defines them.
/// </summary>
/// <param name="Id">Representation id, also what $RepresentationID$ stands for ("video", "audio").</param>
/// <param name="Codecs">RFC 6381 codecs string (avc1.64001F, hvc1..., mp4a.40.2).</param>
/// <param name="Timescale">Ticks per second of <see cref="Segments"/>' times, the track's timescale.</param>
/// <param name="Bandwidth">Bits per second, as measured from the listed segments (at least 1).</param>
public sealed record MpdRepresentation(
    string Id,
    bool IsVideo,
    string Codecs,
    uint Timescale,
    long Bandwidth,
    string Initialization,
    string Media,
    IReadOnlyList<MpdSegment> Segments)
{
    public int Width { get; init; }

    public int Height { get; init; }

    public int SampleRate { get; init; }

    public int Channels { get; init; }

    /// <summary>Representations with the same group share one adaptation set (in the order the first appears); null: a set of its own.</summary>
    public string? Group { get; init; }
}

/// <summary>A listed media segment: its number ($Number$), start and duration in the representation's timescale.</summary>
public readonly record struct MpdSegment(long Number, long Start, long Duration);
