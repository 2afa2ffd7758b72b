using System.Diagnostics;
using System.Net;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.LoadTool;

/// <summary>
/// An HTTP-TS player: the body goes through the gateway's own <see cref="TsDemuxer"/>, and each video
/// access unit is searched for the publisher's <see cref="LatencyStamp"/>. A video PES has no length,
/// so the demuxer hands it out only when the next one starts; its arrival is taken from the receive
/// that brought the packet it began in (<see cref="ElementaryFrame.StartPacket"/>), as the FLV player
/// takes a tag's first bytes.
/// </summary>
public sealed class HttpTsPlayer : HttpStreamPlayer
{
    // Arrival times of the packets, by runs: each receive's first packet number and its clock.
    private const int ArrivalSlots = 1024;

    private readonly TsDemuxer _demuxer;
    private readonly long[] _runFirstPacket = new long[ArrivalSlots];
    private readonly long[] _runTicks = new long[ArrivalSlots];
    private long _runs;

    public HttpTsPlayer(int index, Uri url, EndPoint remote, PlayerContext context)
        : base(index, url, remote, context) => _demuxer = new TsDemuxer(OnFrame);

    public override string Kind => "ts";

    /// <summary>What the demuxer found wrong: a continuity error is a frame the server skipped (or lost).</summary>
    public TsDemuxerCounters Counters => _demuxer.Counters;

    protected override void Body(ReadOnlySpan<byte> data)
    {
        // Packets these bytes complete are numbered from here; a run that completed none is replaced.
        var first = _demuxer.Counters.Packets;
        if (_runs == 0 || _runFirstPacket[(_runs - 1) % ArrivalSlots] != first)
        {
            _runs++;
        }
        var slot = (_runs - 1) % ArrivalSlots;
        _runFirstPacket[slot] = first;
        _runTicks[slot] = Stopwatch.GetTimestamp();
        _demuxer.Push(data);
    }

    private void OnFrame(ElementaryFrame frame)
    {
        var arrived = ArrivalOf(frame.StartPacket);
        if (frame.Codec.Kind == MediaKind.Video)
        {
            // With the arrival unknown (older than the ring), the frame counts but gives no latency.
            var stamp = arrived != 0 && LatencyStamp.TryReadAnnexB(frame.Data.Span, out var s) ? s : 0;
            OnVideo(arrived != 0 ? arrived : Stopwatch.GetTimestamp(), frame: true, stamp);
        }
        else if (frame.Codec.Kind == MediaKind.Audio)
        {
            OnAudio(arrived != 0 ? arrived : Stopwatch.GetTimestamp());
        }
    }

    /// <summary>The clock of the receive that completed <paramref name="packet"/>, or 0 when forgotten.</summary>
    private long ArrivalOf(long packet)
    {
        for (var run = _runs - 1; run >= Math.Max(0, _runs - ArrivalSlots); run--)
        {
            var slot = run % ArrivalSlots;
            if (_runFirstPacket[slot] <= packet)
            {
                return _runTicks[slot];
            }
        }
        return 0;
    }
}
