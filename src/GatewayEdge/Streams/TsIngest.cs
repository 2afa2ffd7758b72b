using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// MPEG-TS in, hub frames out, for every protocol that carries TS (SRT, MPEG-TS over UDP): the
/// format library's demuxer and sample converter, then each sample wrapped by <see cref="SampleFrames"/>.
/// Samples FLV cannot carry are counted and skipped. Not thread safe: one per ingest connection.
/// </summary>
public sealed class TsIngest
{
    private readonly TsDemuxer _demuxer;
    private readonly ElementarySampleConverter _converter;
    private readonly Action<MediaFrame> _onFrame;

    /// <param name="onFrame">Receives each frame; the ingest releases it after the call.</param>
    public TsIngest(Action<MediaFrame> onFrame)
    {
        _onFrame = onFrame;
        _converter = new ElementarySampleConverter(OnSample);
        _demuxer = new TsDemuxer(frame => _converter.Write(frame));
    }

    public TsDemuxerCounters Counters => _demuxer.Counters;

    /// <summary>Samples of codecs FLV has no header for.</summary>
    public long Unsupported { get; private set; }

    public long Frames { get; private set; }

    /// <summary>Video dropped while no parameter sets had been seen (a stream joined mid-GOP).</summary>
    public long DroppedBeforeConfig => _converter.DroppedBeforeConfig;

    /// <summary>Feeds received bytes: any number, packets may span calls.</summary>
    public void Push(ReadOnlySpan<byte> ts) => _demuxer.Push(ts);

    /// <summary>The input ended: emits what the demuxer still holds.</summary>
    public void Flush() => _demuxer.Flush();

    private void OnSample(MediaSample sample)
    {
        if (SampleFrames.FromSample(sample) is not { } frame)
        {
            Unsupported++;
            return;
        }
        Frames++;
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
