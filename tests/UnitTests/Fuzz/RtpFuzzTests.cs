using System.Diagnostics;
using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// Seeded random mutations of real RTP packet sequences (Corpus/Rtp: each packet preceded by a
/// 2-byte length) and RTCP compound packets (Corpus/RtcpCompound): depacketizers, the reorder
/// buffer and the RTCP parser must never throw, whatever the bytes.
/// </summary>
public class RtpFuzzTests
{
    private const int Inputs = 20_000;

    /// <summary>The packets of a corpus file, as far as its length prefixes hold.</summary>
    private static List<byte[]> Packets(byte[] data)
    {
        var packets = new List<byte[]>();
        for (var at = 0; at + 2 <= data.Length;)
        {
            var length = (data[at] << 8) | data[at + 1];
            if (at + 2 + length > data.Length)
            {
                break;
            }

            packets.Add(data.AsSpan(at + 2, length).ToArray());
            at += 2 + length;
        }

        return packets;
    }

    [Fact]
    public void Depacketizers_and_reorder_buffer_survive_mutations()
    {
        var corpus = Mutations.Corpus("Rtp");
        Assert.NotEmpty(corpus);
        var random = new Random(20250101);
        var clock = Stopwatch.StartNew();
        var accessUnits = 0L;
        var opusFrames = 0L;
        for (var i = 0; i < Inputs; i++)
        {
            var data = i < corpus.Length ? corpus[i] : Mutations.Mutate(random, corpus[i % corpus.Length], maxEdits: 5, maxChunk: 200);
            var h264 = new H264Depacketizer(_ => accessUnits++, maxAccessUnitSize: 64 * 1024);
            var h265 = new H265Depacketizer(_ => accessUnits++, maxAccessUnitSize: 64 * 1024);
            var vp8 = new Vp8Depacketizer(_ => accessUnits++, maxFrameSize: 64 * 1024);
            var vp9 = new Vp9Depacketizer(_ => accessUnits++, maxFrameSize: 64 * 1024);
            var av1 = new Av1Depacketizer(_ => accessUnits++, maxFrameSize: 64 * 1024);
            var opus = new OpusDepacketizer();
            // Straight in as well: the reorder buffer would hide duplicates and late packets.
            var direct = new H264Depacketizer(_ => accessUnits++, maxAccessUnitSize: 64 * 1024);
            var reorder = new RtpReorderBuffer(32);
            var missing = new List<ushort>();
            foreach (var packet in Packets(data))
            {
                direct.Push(packet);
                reorder.Push(packet);
                reorder.GetMissing(missing);
                if (random.Next(4) == 0)
                {
                    reorder.SkipMissing();
                }

                while (reorder.TryPop(out var ordered))
                {
                    h264.Push(ordered);
                    h265.Push(ordered);
                    vp8.Push(ordered);
                    vp9.Push(ordered);
                    av1.Push(ordered);
                    opusFrames += opus.TryDepacketize(ordered, out _, out _) ? 1 : 0;
                    if (RtpHeader.TryParse(ordered, out var header))
                    {
                        header.TryGetExtension(ordered, random.Next(16), out _);
                        TransportWideSequence.TryRead(ordered, header, 3, out _);
                    }
                }
            }

            Assert.InRange(missing.Count, 0, 32 * Packets(data).Count);
            h264.Flush();
            h265.Flush();
        }

        Assert.True(accessUnits > 0);
        Assert.True(opusFrames > 0);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 15);
    }

    [Fact]
    public void Vp8_vp9_and_av1_depacketizers_get_pictures_from_their_corpus_and_survive_its_mutations()
    {
        // Corpus/Rtp holds each codec cut as Chrome cuts it: VP8 with picture ids, VP9 in flexible
        // mode with a scalability structure, AV1 with element counts and fragments.
        var files = new (string Name, Func<Action<RtpVideoFrame>, RtpPictureDepacketizer<RtpVideoFrame>> Create, int Pictures)[]
        {
            ("vp8-picture-id.bin", f => new Vp8Depacketizer(f, 64 * 1024), 5),
            ("vp9-flexible-ss.bin", f => new Vp9Depacketizer(f, 64 * 1024), 5),
            ("av1-chrome-w-count.bin", f => new Av1Depacketizer(f, 64 * 1024), 6),
        };
        var random = new Random(20250103);
        foreach (var (name, create, pictures) in files)
        {
            var original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "Rtp", name));
            var frames = new List<RtpVideoFrame>();
            var clean = create(frames.Add);
            foreach (var packet in Packets(original))
            {
                Assert.True(clean.Push(packet));
            }

            Assert.Equal(pictures, frames.Count);
            Assert.True(frames[0].IsKeyframe, name);
            Assert.False(clean.KeyframeNeeded, name);
            for (var i = 0; i < 3000; i++)
            {
                var depacketizer = create(f => Assert.InRange(f.Data.Length, 1, 64 * 1024));
                foreach (var packet in Packets(Mutations.Mutate(random, original, maxEdits: 5, maxChunk: 200)))
                {
                    depacketizer.Push(packet);
                }
            }
        }
    }

    [Fact]
    public void Rtcp_parser_survives_mutations()
    {
        var corpus = Mutations.Corpus("RtcpCompound");
        Assert.NotEmpty(corpus);
        var random = new Random(20250102);
        var parsed = 0;
        for (var i = 0; i < Inputs; i++)
        {
            var data = i < corpus.Length ? corpus[i] : Mutations.Mutate(random, corpus[i % corpus.Length], maxEdits: 5, maxChunk: 200);
            if (RtcpCompound.TryParse(data, out var packets))
            {
                Assert.NotEmpty(packets);
                parsed++;
            }

            RtcpPacketType.IsRtcp(data);
        }

        Assert.True(parsed >= corpus.Length);
    }
}
