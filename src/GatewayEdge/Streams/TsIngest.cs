using System.Buffers;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// MPEG-TS in, hub frames out, for every protocol that carries TS (SRT, MPEG-TS over UDP): the
/// format library's demuxer and sample converter, then each sample wrapped once as the FLV tag body
/// the hub's frames are (legacy headers for H.264/AAC/MP3, Enhanced RTMP for HEVC/AV1/Opus).
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
        var header = sample.Header;
        var headerSize = FlvSampleWriter.HeaderSize(header);
        if (headerSize == 0 || sample.Dts < 0)
        {
            Unsupported++;
            return;
        }
        var length = headerSize + sample.Data.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(MediaFrame.Headroom + length + MediaFrame.Tailroom);
        var body = buffer.AsSpan(MediaFrame.Headroom, length);
        FlvSampleWriter.WriteHeader(body, header);
        sample.Data.Span.CopyTo(body[headerSize..]);
        var type = header.IsVideo ? FrameTypes.Video : FrameTypes.Audio;
        var frame = MediaFrame.FromPooled(type, unchecked((uint)sample.Dts), buffer, length);
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
