using Microsoft.Extensions.Logging;

namespace OrleansLive.GatewayEdge.Recording.Dash;

/// <summary>A closed media segment of one track: number, place on the track's timeline, size and file.</summary>
internal sealed record DashTrackSegment(long Start, long Duration, long Bytes, string File);

/// <summary>A closed segment number with what each track wrote for it; <see cref="EndMs"/> orders the window.</summary>
internal sealed record DashSegment(long Number, long EndMs, DashTrackSegment? Video, DashTrackSegment? Audio);

/// <summary>What outlives one publish of an MPD: its segment numbers, and the files to remove later.</summary>
public sealed class DashStreamState(string mpdFile) : SegmentedOutputState
{
    /// <summary>The MPD path as the template made it.</summary>
    public string MpdFile { get; } = mpdFile;

    /// <summary>The number the next segment gets; numbers never repeat for one MPD, so caches never mix publishes.</summary>
    public long NextNumber { get; set; }

    internal List<DashSegment> Segments { get; } = [];

    /// <summary>Init segments and media segments written and not yet deleted.</summary>
    internal HashSet<string> Files { get; } = new(StringComparer.Ordinal);

    internal override string IndexFile => MpdFile;

    internal override List<string> TakeFiles()
    {
        List<string> all = [MpdFile, .. Files];
        Files.Clear();
        Segments.Clear();
        return all;
    }
}

/// <summary>This gateway's DASH outputs keyed by MPD path: a republish continues an MPD's numbering, and
/// an MPD whose stream has been gone for dash_dispose seconds is removed with all its segments.</summary>
public sealed class DashStreams(IMediaFileSystem files, ILogger<DashStreams> logger)
    : SegmentedOutputs<DashStreamState>(files, logger, "DASH")
{
    /// <summary>The state of an MPD for a new publish; null if another publish on this gateway writes it.</summary>
    public DashStreamState? Acquire(string mpdFile) => Acquire(mpdFile, () => new DashStreamState(mpdFile));
}
