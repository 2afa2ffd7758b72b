using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Recording.Hls;

/// <summary>What outlives one publish of a playlist: its segments, sequence numbers and init files.</summary>
public sealed class HlsStreamState : SegmentedOutputState
{
    public HlsStreamState(string m3u8File, double fragmentSeconds)
    {
        M3u8File = m3u8File;
        Playlist = new HlsPlaylist(fragmentSeconds);
    }

    /// <summary>The playlist path as the template made it.</summary>
    public string M3u8File { get; }

    public HlsPlaylist Playlist { get; }

    /// <summary>The media sequence number the next segment gets.</summary>
    public long NextSequence { get; set; }

    /// <summary>Low latency: the in-memory playlist, kept across republishes so its sequence numbers go on.</summary>
    public LowLatencyHlsStream? Live { get; set; }

    /// <summary>fMP4 init segments written for this playlist and not yet deleted.</summary>
    public HashSet<string> InitFiles { get; } = [];

    internal override string IndexFile => M3u8File;

    internal override List<string> TakeFiles()
    {
        List<string> all = [.. Playlist.Clear().Select(e => e.File), .. InitFiles, M3u8File];
        InitFiles.Clear();
        return all;
    }
}

/// <summary>
/// This gateway's playlists, keyed by playlist path: a republish continues the same playlist (with a
/// discontinuity), and a playlist whose stream has been gone for hls_dispose seconds is removed
/// from disk with all its segments (SRS's hls_dispose; 0 keeps the files).
/// </summary>
public sealed class HlsStreams(IMediaFileSystem files, ILogger<HlsStreams> logger)
    : SegmentedOutputs<HlsStreamState>(files, logger, "HLS")
{
    /// <summary>The state of a playlist for a new publish; cancels its pending disposal. Null if the
    /// playlist is being written by another publish on this gateway.</summary>
    public HlsStreamState? Acquire(string m3u8File, double fragmentSeconds) =>
        Acquire(m3u8File, () => new HlsStreamState(m3u8File, fragmentSeconds));
}
