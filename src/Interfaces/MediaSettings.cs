namespace OrleansLive.Interfaces;

/// <summary>
/// A vhost's HLS settings (SRS `vhost { hls { } }`). Durations are seconds. Templates take SRS's
/// variables: [vhost] [app] [stream] [seq] [timestamp] [2006] [01] [02] [15] [04] [05] [999]
/// [duration]. With <see cref="Fmp4"/> segments are fMP4 (CMAF) .m4s files behind an EXT-X-MAP
/// init segment instead of MPEG-TS; the .ts ending of <see cref="TsFile"/> becomes .m4s.
/// </summary>
/// <summary>
/// SRS's `rtc { rtmp_to_rtc; rtc_to_rtmp; }`: whether a stream published over RTMP, SRT or another
/// AAC ingest plays over WebRTC with its audio converted to Opus, and a WebRTC publish plays over RTMP,
/// FLV, TS, HLS and DVR with its Opus converted to AAC. On by default, as MediaMTX converts.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RtcBridgeSettings(
    [property: Id(0)] bool RtmpToRtc = true,
    [property: Id(1)] bool RtcToRtmp = true);

/// <summary>
/// A vhost's play settings (SRS `play { mw_latency; }`): above 0, an RTMP or HTTP player's frames wait
/// until the oldest is this many milliseconds old and go out in one write (SRS's merged write, 350 ms by
/// default there), trading latency for fewer sends per player; 0 (the default, SRS's `min_latency on`)
/// sends each frame as it comes. A player's first frames and sequence headers are never held.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PlaySettings(
    [property: Id(0)] int MergedWriteMs = 0)
{
    public const int MaxMergedWriteMs = 5000;
}

[GenerateSerializer, Immutable]
public sealed record HlsSettings(
    [property: Id(0)] bool Enabled = false,
    [property: Id(1)] double Fragment = 10,
    [property: Id(2)] double Window = 60,
    [property: Id(3)] string Path = "./objs/nginx/html",
    [property: Id(4)] string M3u8File = "[app]/[stream].m3u8",
    [property: Id(5)] string TsFile = "[app]/[stream]-[seq].ts",
    [property: Id(6)] bool Cleanup = true,
    [property: Id(7)] double Dispose = 120,
    [property: Id(8)] bool WaitKeyframe = true,
    [property: Id(9)] bool Fmp4 = false,
    [property: Id(10)] string EntryPrefix = "");

/// <summary>
/// A vhost's MPEG-DASH settings (SRS `vhost { dash { } }`). Durations are seconds. Each publish writes a
/// live MPD at <see cref="Path"/>/<see cref="MpdFile"/> (SRS's [vhost] [app] [stream] variables) with
/// one video and one audio representation, each an fMP4 init segment and media segments cut at
/// keyframes about every <see cref="Fragment"/> seconds and listed in a SegmentTimeline. The MPD lists
/// the last <see cref="Timeshift"/> seconds (timeShiftBufferDepth); with <see cref="Cleanup"/> older
/// segments are deleted, and <see cref="Dispose"/> seconds after the publish ended all files go (0 keeps them).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DashSettings(
    [property: Id(0)] bool Enabled = false,
    [property: Id(1)] double Fragment = 30,
    [property: Id(2)] double UpdatePeriod = 150,
    [property: Id(3)] double Timeshift = 300,
    [property: Id(4)] string Path = "./objs/nginx/html",
    [property: Id(5)] string MpdFile = "[app]/[stream].mpd",
    [property: Id(6)] bool Cleanup = true,
    [property: Id(7)] double Dispose = 120);

/// <summary>
/// A vhost's DVR settings (SRS `vhost { dvr { } }`). <see cref="Apply"/> is "all" or a list of
/// "app/stream" separated by spaces or commas. <see cref="Plan"/> is "session" (one file per
/// publish) or "segment" (a new file every <see cref="Duration"/> seconds, cut on keyframes with
/// <see cref="WaitKeyframe"/>). A <see cref="Path"/> ending in .mp4 records fragmented MP4, one
/// ending in .flv records FLV, anything else is a directory that gets "/[stream].[timestamp].flv".
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DvrSettings(
    [property: Id(0)] bool Enabled = false,
    [property: Id(1)] string Apply = "all",
    [property: Id(2)] string Plan = DvrPlans.Session,
    [property: Id(3)] string Path = "./objs/nginx/html/[app]/[stream].[timestamp].flv",
    [property: Id(4)] double Duration = 30,
    [property: Id(5)] bool WaitKeyframe = true)
{
    /// <summary>True when <see cref="Apply"/> names this stream (or is "all").</summary>
    public bool AppliesTo(string app, string stream)
    {
        foreach (var entry in Apply.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry == "all" || entry == $"{app}/{stream}")
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// A vhost's snapshots (SRS 3.0's snapshot, here built in): the gateway holding a stream's publisher
/// decodes a keyframe into a JPEG at most every <see cref="IntervalSeconds"/> seconds, served at
/// `/{app}/{stream}.jpg` on its HTTP port. <see cref="Width"/> above 0 scales the picture to that
/// width (the height keeps the aspect ratio); <see cref="Ffmpeg"/> is the decoder's binary.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SnapshotSettings(
    [property: Id(0)] bool Enabled = false,
    [property: Id(1)] double IntervalSeconds = 10,
    [property: Id(2)] int Width = 0,
    [property: Id(3)] string Ffmpeg = "ffmpeg")
{
    /// <summary>The shortest interval taken: one decode a second per stream at most.</summary>
    public const double MinIntervalSeconds = 1;

    /// <summary>The widest scaled picture.</summary>
    public const int MaxWidth = 7680;
}

public static class DvrPlans
{
    public const string Session = "session";
    public const string Segment = "segment";
}
