using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.UnitTests.MpegTs;

/// <summary>Runs bytes through a demuxer and the sample converter, keeping copies of what comes out.</summary>
internal sealed class DemuxHarness
{
    private readonly bool _convert;

    public DemuxHarness(long? origin = null, int maxPesSize = TsDemuxer.DefaultMaxPesSize, bool convert = true)
    {
        _convert = convert;
        Converter = new ElementarySampleConverter(s => Samples.Add(s with { Data = s.Data.ToArray() }), origin);
        Demuxer = new TsDemuxer(OnFrame) { MaxPesSize = maxPesSize };
    }

    public TsDemuxer Demuxer { get; }

    public ElementarySampleConverter Converter { get; }

    public List<ElementaryFrame> Frames { get; } = [];

    public List<MediaSample> Samples { get; } = [];

    public List<MediaSample> Video => Samples.Where(s => s.IsVideo && s.Header.Part == SamplePart.Frame).ToList();

    public List<MediaSample> Audio => Samples.Where(s => s.IsAudio && s.Header.Part == SamplePart.Frame).ToList();

    public List<MediaSample> Configs => Samples.Where(s => s.Header.IsConfig).ToList();

    /// <summary>Every PES in the order it started in the input, as the muxer tests read them.</summary>
    public List<DemuxedPes> Pes => Frames.OrderBy(f => f.StartPacket)
        .Select(f => new DemuxedPes(f.Pid, f.StreamType, f.Pts, f.Dts, f.Data.ToArray(), f.RandomAccess, f.Pcr < 0 ? null : f.Pcr))
        .ToList();

    /// <summary>The one program of a stream the gateway muxed.</summary>
    public TsProgramInfo Program => Demuxer.Programs.Single();

    /// <summary>Sync lost anywhere, or bytes left over that do not make a whole packet.</summary>
    public long SyncErrors => Demuxer.Counters.SyncLosses + Demuxer.Counters.TrailingBytes;

    /// <summary>Counters that jump or repeat: a muxer must advance each PID's counter by one per packet.</summary>
    public long ContinuityErrors => Demuxer.Counters.ContinuityErrors + Demuxer.Counters.DuplicatePackets;

    /// <summary>Demuxes whole input without the sample converter: for checking what a muxer wrote.</summary>
    public static DemuxHarness Demux(ReadOnlySpan<byte> ts)
    {
        var harness = new DemuxHarness(convert: false);
        harness.Demuxer.Push(ts);
        harness.Demuxer.Flush();
        return harness;
    }

    public static DemuxHarness Run(byte[] ts, int chunk = 1316, long? origin = null, int maxPesSize = TsDemuxer.DefaultMaxPesSize)
    {
        var harness = new DemuxHarness(origin, maxPesSize);
        for (var at = 0; at < ts.Length; at += chunk)
        {
            harness.Demuxer.Push(ts.AsSpan(at, Math.Min(chunk, ts.Length - at)));
        }

        harness.Demuxer.Flush();
        return harness;
    }

    public void OnFrame(ElementaryFrame frame)
    {
        Frames.Add(frame with { Data = frame.Data.ToArray() });
        if (_convert)
        {
            Converter.Write(frame);
        }
    }

    /// <summary>The sample as an FLV tag body (legacy AVC/HEVC and AAC headers), for the muxers.</summary>
    public static FlvMediaSample ToFlv(MediaSample sample)
    {
        var h = sample.Header;
        byte[] header;
        if (h.IsVideo)
        {
            var codecId = h.VideoCodec == VideoCodecId.H265 ? FlvVideo.CodecHevc : FlvVideo.CodecAvc;
            var frameType = h.Keyframe || h.IsConfig ? 1 : 2;
            var cts = h.CompositionTime;
            header = [(byte)((frameType << 4) | codecId), (byte)(h.IsConfig ? 0 : 1), (byte)(cts >> 16), (byte)(cts >> 8), (byte)cts];
        }
        else
        {
            header = [0xAF, (byte)(h.IsConfig ? 0 : 1)];
        }

        var data = new byte[header.Length + sample.Data.Length];
        header.CopyTo(data, 0);
        sample.Data.Span.CopyTo(data.AsSpan(header.Length));
        return new FlvMediaSample(h.IsVideo ? FlvMediaSample.VideoTag : FlvMediaSample.AudioTag, (uint)sample.Dts, data);
    }
}
