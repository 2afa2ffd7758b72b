using System.Diagnostics;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.LoadTool;

/// <summary>
/// The TS side of the HTTP-TS and SRT players: received bytes go through the gateway's own
/// <see cref="TsDemuxer"/>, and each video access unit is searched for the publisher's
/// <see cref="LatencyStamp"/>. A video PES has no length, so the demuxer hands it out only when the
/// next one starts; its arrival is taken from the receive that brought the packet it began in
/// (<see cref="ElementaryFrame.StartPacket"/>), as the FLV player takes a tag's first bytes.
/// </summary>
internal sealed class TsFrameFeed
{
    // Arrival times of the packets, by runs: each receive's first packet number and its clock.
    private const int ArrivalSlots = 1024;

    private readonly TsDemuxer _demuxer;
    private readonly Action<long, long> _onVideo;
    private readonly Action<long> _onAudio;
    private readonly long[] _runFirstPacket = new long[ArrivalSlots];
    private readonly long[] _runTicks = new long[ArrivalSlots];
    private long _runs;

    /// <param name="onVideo">A video access unit: its arrival and its stamp (0 without one).</param>
    /// <param name="onAudio">An audio frame and its arrival.</param>
    public TsFrameFeed(Action<long, long> onVideo, Action<long> onAudio)
    {
        _onVideo = onVideo;
        _onAudio = onAudio;
        _demuxer = new TsDemuxer(OnFrame);
    }

    /// <summary>What the demuxer found wrong: a continuity error is a frame the server skipped (or lost).</summary>
    public TsDemuxerCounters Counters => _demuxer.Counters;

    /// <summary>Takes the bytes of one receive that arrived at <paramref name="arrived"/>.</summary>
    public void Push(ReadOnlySpan<byte> data, long arrived)
    {
        // Packets these bytes complete are numbered from here; a run that completed none is replaced.
        var first = _demuxer.Counters.Packets;
        if (_runs == 0 || _runFirstPacket[(_runs - 1) % ArrivalSlots] != first)
        {
            _runs++;
        }
        var slot = (_runs - 1) % ArrivalSlots;
        _runFirstPacket[slot] = first;
        _runTicks[slot] = arrived;
        _demuxer.Push(data);
    }

    /// <summary>Ends the input: hands out the frames still open (a video PES ends only when the next starts).</summary>
    public void Flush() => _demuxer.Flush();

    private void OnFrame(ElementaryFrame frame)
    {
        var arrived = ArrivalOf(frame.StartPacket);
        if (frame.Codec.Kind == MediaKind.Video)
        {
            // With the arrival unknown (older than the ring), the frame counts but gives no latency.
            var stamp = arrived != 0 && LatencyStamp.TryReadAnnexB(frame.Data.Span, out var s) ? s : 0;
            _onVideo(arrived != 0 ? arrived : Stopwatch.GetTimestamp(), stamp);
        }
        else if (frame.Codec.Kind == MediaKind.Audio)
        {
            _onAudio(arrived != 0 ? arrived : Stopwatch.GetTimestamp());
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
