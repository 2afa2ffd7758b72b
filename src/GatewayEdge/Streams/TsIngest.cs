using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// MPEG-TS in, hub frames out, for every protocol that carries TS (SRT, MPEG-TS over UDP): the
/// format library's demuxer and sample converter, then each sample wrapped by <see cref="SampleFrames"/>.
/// Samples FLV cannot carry are counted and skipped. The stream's first frames wait until each track
/// the program announces has one (at most <see cref="MaxStartMs"/>), then go on in decode order with
/// the earliest as time 0, every decoder configuration among them first. A video PES ends only when
/// the next one starts, so audio completes first: timed from that audio, the first keyframe (with the
/// video configuration, which TS carries in the keyframe) fell before 0 and was lost, and a recorder
/// that met audio before any video configuration started a file without a video track (an fMP4 DVR
/// file cannot add one later). Not thread safe: one per ingest connection.
/// </summary>
public sealed class TsIngest
{
    /// <summary>The start waits at most this span of frames (by their decode times) for a missing track.</summary>
    public const int MaxStartMs = 1000;

    private const long MaxStart90k = MaxStartMs * 90L;

    private readonly TsDemuxer _demuxer;
    private readonly Action<MediaFrame> _onFrame;
    private ElementarySampleConverter? _converter;
    private List<ElementaryFrame>? _start = [];
    private List<MediaFrame>? _replay;

    /// <param name="onFrame">Receives each frame; the ingest releases it after the call.</param>
    public TsIngest(Action<MediaFrame> onFrame)
    {
        _onFrame = onFrame;
        _demuxer = new TsDemuxer(OnElementary);
    }

    public TsDemuxerCounters Counters => _demuxer.Counters;

    /// <summary>Samples of codecs FLV has no header for.</summary>
    public long Unsupported { get; private set; }

    public long Frames { get; private set; }

    /// <summary>Video dropped while no parameter sets had been seen (a stream joined mid-GOP).</summary>
    public long DroppedBeforeConfig => _converter?.DroppedBeforeConfig ?? 0;

    /// <summary>Feeds received bytes: any number, packets may span calls.</summary>
    public void Push(ReadOnlySpan<byte> ts) => _demuxer.Push(ts);

    /// <summary>The input ended: emits what the demuxer (and the start) still holds.</summary>
    public void Flush()
    {
        _demuxer.Flush();
        Begin();
    }

    private void OnElementary(ElementaryFrame frame)
    {
        if (_start is null)
        {
            _converter!.Write(frame);
            return;
        }
        // The demuxer reuses the frame's buffer after the call.
        _start.Add(frame with { Data = frame.Data.ToArray() });
        if (_start[^1].Dts - _start.Min(f => f.Dts) >= MaxStart90k || EveryTrackStarted())
        {
            Begin();
        }
    }

    private bool EveryTrackStarted()
    {
        var announced = _demuxer.Streams.Values.Select(c => c.Kind).Where(k => k is MediaKind.Video or MediaKind.Audio).Distinct();
        return announced.All(kind => _start!.Any(f => f.Codec.Kind == kind));
    }

    /// <summary>Times the stream from its earliest frame and hands the start over in decode order.</summary>
    private void Begin()
    {
        if (_start is not { } start)
        {
            return;
        }
        _start = null;
        _converter = new ElementarySampleConverter(OnSample, start.Count > 0 ? start.Min(f => f.Dts) : null);
        var replay = _replay = [];
        foreach (var frame in start.OrderBy(f => f.Dts))
        {
            _converter.Write(frame);
        }
        _replay = null;
        foreach (var frame in replay.Where(f => f.IsSequenceHeader).Concat(replay.Where(f => !f.IsSequenceHeader)))
        {
            Emit(frame);
        }
    }

    private void OnSample(MediaSample sample)
    {
        if (SampleFrames.FromSample(sample) is not { } frame)
        {
            Unsupported++;
            return;
        }
        Frames++;
        if (_replay is { } replay)
        {
            replay.Add(frame);
            return;
        }
        Emit(frame);
    }

    private void Emit(MediaFrame frame)
    {
        try
        {
            _onFrame(frame);
        }
        finally
        {
            frame.Release();
        }
    }
}
