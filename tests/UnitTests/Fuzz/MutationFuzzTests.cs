using System.Diagnostics;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Containers.Ps;
using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// Seeded random mutations of small real inputs (tests/UnitTests/Corpus): the parsers must never
/// throw and must stay within their buffer caps, whatever the bytes. Deterministic: the same seed
/// replays the same inputs.
/// </summary>
public class MutationFuzzTests
{
    private const int MaxPes = 64 * 1024;

    private static void Feed(Random random, byte[] data, Action<ReadOnlySpan<byte>> push)
    {
        for (var at = 0; at < data.Length;)
        {
            var take = Math.Min(random.Next(1, 2000), data.Length - at);
            push(data.AsSpan(at, take));
            at += take;
        }
    }

    [Fact]
    public void Ts_demuxer_and_sample_converter_survive_mutations()
    {
        var corpus = Mutations.Corpus("TsDemuxer");
        var random = new Random(20240601);
        var clock = Stopwatch.StartNew();
        var samples = 0L;
        for (var i = 0; i < 1500; i++)
        {
            var data = Mutations.Mutate(random, corpus[i % corpus.Length]);
            var converter = new ElementarySampleConverter(_ => samples++);
            var demuxer = new TsDemuxer(f => converter.Write(f)) { MaxPesSize = MaxPes };
            Feed(random, data, demuxer.Push);
            Assert.InRange(demuxer.BufferedBytes, 0, (TsDemuxer.MaxStreams * (long)MaxPes) + 400);
            demuxer.Flush();
        }

        Assert.True(samples > 0);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 10);
    }

    [Fact]
    public void Ps_demuxer_survives_mutations()
    {
        var corpus = Mutations.Corpus("PsDemuxer");
        var random = new Random(20240602);
        var samples = 0L;
        for (var i = 0; i < 1000; i++)
        {
            var data = Mutations.Mutate(random, corpus[i % corpus.Length]);
            var converter = new ElementarySampleConverter(_ => samples++);
            var demuxer = new PsDemuxer(f => converter.Write(f)) { MaxFrameSize = MaxPes };
            Feed(random, data, demuxer.Push);
            // Input held up to one PES, plus at most the cap for each of the 48 audio/video stream ids.
            Assert.InRange(demuxer.BufferedBytes, 0, 65_541 + (48L * MaxPes));
            demuxer.Flush();
        }

        Assert.True(samples > 0);
    }

    [Fact]
    public void Codec_parsers_survive_mutations()
    {
        var corpus = Mutations.Corpus("Codecs");
        var random = new Random(20240603);
        for (var i = 0; i < 4000; i++)
        {
            var data = Mutations.Mutate(random, corpus[i % corpus.Length]);
            VideoDecoderConfig.TryParse(VideoCodecId.H264, data, out _);
            VideoDecoderConfig.TryParse(VideoCodecId.H265, data, out _);
            AvcConfig.TryParse(data, out _);
            HevcConfig.TryParse(data, out _);
            OpusHead.TryParse(data, out _);
            AdtsHeader.TryParse(data, out _);
            OpusHead.PacketSamples(data);
            Av1Obu.IsKeyframe(data);
            Av1SequenceHeader.TryFind(data, out _, out _);
            Av1Config.TryParse([0x81, 0x00, 0x0C, 0x00, .. data], out _);
            Av1Config.Build(data);
            Av1Packetizer.Packetize(data, keyframe: true, data.AsSpan(0, Math.Min(data.Length, 16)), maxPayloadSize: 64 + (i % 1200));
            PesHeader.TryParse(data, out _);
            foreach (var nal in AnnexB.Split(data))
            {
                AvcConfig.TryParseSps(nal, out _);
                HevcConfig.TryParseSpsSize(nal, out _, out _);
            }

            DecoderRecordBuilder.BuildAvc([data], [data]);
            DecoderRecordBuilder.BuildHevc([data], [data], [data]);
        }
    }
}
