using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.UnitTests.MpegTs;

/// <summary>Runs bytes through a demuxer and the sample converter, keeping copies of what comes out.</summary>
internal sealed class DemuxHarness
{
    public DemuxHarness(long? origin = null, int maxPesSize = TsDemuxer.DefaultMaxPesSize)
    {
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
        Converter.Write(frame);
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
