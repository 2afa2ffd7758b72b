using System.Diagnostics;
using System.Net;
using OrleansLive.Media.Containers.MpegTs;

namespace OrleansLive.LoadTool;

/// <summary>An HTTP-TS player: the body goes through a <see cref="TsFrameFeed"/>.</summary>
public sealed class HttpTsPlayer : HttpStreamPlayer
{
    private readonly TsFrameFeed _feed;

    public HttpTsPlayer(int index, Uri url, EndPoint remote, PlayerContext context)
        : base(index, url, remote, context) => _feed = new TsFrameFeed((arrived, stamp) => OnVideo(arrived, frame: true, stamp), OnAudio);

    public override string Kind => "ts";

    /// <summary>What the demuxer found wrong: a continuity error is a frame the server skipped (or lost).</summary>
    public TsDemuxerCounters Counters => _feed.Counters;

    protected override void Body(ReadOnlySpan<byte> data) => _feed.Push(data, Stopwatch.GetTimestamp());
}
