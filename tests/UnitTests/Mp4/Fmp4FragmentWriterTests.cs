using System.Buffers.Binary;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.Mp4;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Mp4;

public class Fmp4FragmentWriterTests
{
    private sealed record Trun(uint Count, int DataOffset, uint[] Durations, uint[] Sizes, uint[]? Flags, int[]? Cts);

    private static Trun ReadTrun(byte[] data, Box trun)
    {
        var flags = trun.Flags(data);
        var body = trun.FullBody(data);
        var count = BinaryPrimitives.ReadUInt32BigEndian(body);
        var dataOffset = BinaryPrimitives.ReadInt32BigEndian(body[4..]);
        Assert.Equal(0x000001, flags & 0x000005); // data offset, no first-sample flags
        var at = 8;
        var durations = new uint[count];
        var sizes = new uint[count];
        var sampleFlags = (flags & 0x400) != 0 ? new uint[count] : null;
        var cts = (flags & 0x800) != 0 ? new int[count] : null;
        for (var i = 0; i < count; i++)
        {
            durations[i] = BinaryPrimitives.ReadUInt32BigEndian(body[at..]);
            sizes[i] = BinaryPrimitives.ReadUInt32BigEndian(body[(at + 4)..]);
            at += 8;
            if (sampleFlags is not null)
            {
                sampleFlags[i] = BinaryPrimitives.ReadUInt32BigEndian(body[at..]);
                at += 4;
            }
            if (cts is not null)
            {
                cts[i] = BinaryPrimitives.ReadInt32BigEndian(body[at..]);
                at += 4;
            }
        }
        Assert.Equal(body.Length, at);
        return new Trun(count, dataOffset, durations, sizes, sampleFlags, cts);
    }

    private static ulong Tfdt(byte[] data, Box traf)
    {
        var tfdt = BoxWalker.Children(data, traf).Single(b => b.Type == "tfdt");
        Assert.Equal(1, tfdt.Version(data));
        return BinaryPrimitives.ReadUInt64BigEndian(tfdt.FullBody(data));
    }

    private static uint TrackId(byte[] data, Box traf)
    {
        var tfhd = BoxWalker.Children(data, traf).Single(b => b.Type == "tfhd");
        Assert.Equal(0x020000, tfhd.Flags(data)); // default-base-is-moof
        return BinaryPrimitives.ReadUInt32BigEndian(tfhd.FullBody(data));
    }

    [Fact]
    public void Fragments_have_increasing_sequence_numbers_and_cut_where_asked()
    {
        var writer = new Fmp4FragmentWriter(Fmp4WriterTests.AvcTrack(), null, firstSequenceNumber: 7);
        var output = new ExactBufferWriter();
        foreach (var sample in AvcStream())
        {
            if (FlvSampleInfo.IsVideoKeyframe(sample) && writer.PendingSamples > 0)
            {
                writer.WriteFragment(output);
            }
            writer.Add(sample);
        }
        writer.WriteFragment(output);
        var data = output.ToArray();

        Assert.Equal(["moof", "mdat", "moof", "mdat"], BoxWalker.Top(data).Select(b => b.Type));
        var sequence = BoxWalker.FindAll(data, "moof/mfhd").Select(b => BinaryPrimitives.ReadUInt32BigEndian(b.FullBody(data))).ToArray();
        Assert.Equal([7u, 8u], sequence);
        Assert.Equal(9u, writer.SequenceNumber);
        Assert.Equal([0ul, 300ul * 90], BoxWalker.FindAll(data, "moof/traf").Select(t => Tfdt(data, t)));
    }

    [Fact]
    public void Trun_lists_sizes_durations_flags_and_composition_offsets()
    {
        var writer = new Fmp4FragmentWriter(Fmp4WriterTests.AvcTrack(), null);
        foreach (var sample in AvcStream())
        {
            writer.Add(sample);
        }
        Assert.Equal(AvcFrames.Length, writer.PendingSamples);
        var output = new ExactBufferWriter();
        writer.WriteFragment(output);
        var data = output.ToArray();

        var traf = BoxWalker.Find(data, "moof/traf");
        Assert.Equal(1u, TrackId(data, traf));
        var trunBox = BoxWalker.Children(data, traf).Single(b => b.Type == "trun");
        Assert.Equal(1, trunBox.Version(data));
        var trun = ReadTrun(data, trunBox);
        Assert.Equal((uint)AvcFrames.Length, trun.Count);
        Assert.Equal(AvcFrames.Select(f => (uint)Hex(f.Nalus).Length), trun.Sizes);
        Assert.All(trun.Durations, d => Assert.Equal(9000u, d)); // 100 ms apart; the last repeats
        Assert.Equal(AvcFrames.Select(f => f.Cts * 90), trun.Cts!);
        Assert.Equal(AvcFrames.Select(f => f.Key ? 0x02000000u : 0x01010000u), trun.Flags!);

        // data_offset counts from the moof start to the first sample byte in mdat.
        var moof = BoxWalker.Find(data, "moof");
        var mdat = BoxWalker.Find(data, "mdat");
        Assert.Equal(mdat.BodyStart, moof.Start + trun.DataOffset);
        var expected = AvcFrames.SelectMany(f => Hex(f.Nalus)).ToArray();
        Assert.Equal(expected, mdat.Body(data).ToArray());
        Assert.Equal(0, writer.PendingSamples);
    }

    [Fact]
    public void Audio_and_video_share_one_mdat_with_separate_offsets()
    {
        var writer = new Fmp4FragmentWriter(Fmp4WriterTests.AvcTrack(), Fmp4WriterTests.AacTrack());
        writer.Add(AvcSequenceHeader(1000));
        writer.Add(AacSequenceHeader(1000));
        writer.Add(AvcFrame(1000, true, 0, Hex(AvcFrames[0].Nalus)));
        for (var i = 0; i < 4; i++)
        {
            writer.Add(AacFrame((uint)(1000 + (i * 23)), FakeAacRaw(i, 30 + i)));
        }
        writer.Add(AvcFrame(1040, false, 0, Hex(AvcFrames[1].Nalus)));
        var output = new ExactBufferWriter();
        writer.WriteFragment(output);
        var data = output.ToArray();

        var trafs = BoxWalker.FindAll(data, "moof/traf");
        Assert.Equal([1u, 2u], trafs.Select(t => TrackId(data, t)));
        Assert.Equal(1000ul * 90, Tfdt(data, trafs[0]));
        Assert.Equal(44100ul, Tfdt(data, trafs[1]));

        var moof = BoxWalker.Find(data, "moof");
        var video = ReadTrun(data, BoxWalker.Children(data, trafs[0]).Single(b => b.Type == "trun"));
        var audio = ReadTrun(data, BoxWalker.Children(data, trafs[1]).Single(b => b.Type == "trun"));
        Assert.Null(audio.Flags); // trex defaults: every audio sample is sync
        Assert.Equal([30u, 31u, 32u, 33u], audio.Sizes);
        // 23 ms steps at 44.1 kHz, each converted from its absolute time (1000 ms = 44100), then the last repeats.
        Assert.Equal([1014u, 1014u, 1014u, 1014u], audio.Durations);
        Assert.Equal([3600u, 3600u], video.Durations);

        var videoBytes = Hex(AvcFrames[0].Nalus).Length + Hex(AvcFrames[1].Nalus).Length;
        Assert.Equal(BoxWalker.Find(data, "mdat").BodyStart, moof.Start + video.DataOffset);
        Assert.Equal(video.DataOffset + videoBytes, audio.DataOffset);
        Assert.Equal(FakeAacRaw(0, 30), data.AsSpan(moof.Start + audio.DataOffset, 30).ToArray());
    }

    [Fact]
    public void Next_fragment_starts_at_its_own_dts_and_reuses_the_last_duration()
    {
        var writer = new Fmp4FragmentWriter(null, Fmp4WriterTests.AacTrack());
        var output = new ExactBufferWriter();
        writer.Add(AacFrame(0, FakeAacRaw(0)));
        writer.Add(AacFrame(100, FakeAacRaw(1)));
        writer.WriteFragment(output);
        writer.Add(AacFrame(200, FakeAacRaw(2)));
        writer.WriteFragment(output);
        var data = output.ToArray();

        var trafs = BoxWalker.FindAll(data, "moof/traf");
        Assert.Equal([0ul, 8820ul], trafs.Select(t => Tfdt(data, t)));
        var second = ReadTrun(data, BoxWalker.Children(data, trafs[1]).Single(b => b.Type == "trun"));
        Assert.Equal([4410u], second.Durations);
    }

    [Fact]
    public void Timestamps_jumping_back_or_by_hours_do_not_throw_or_go_negative()
    {
        var writer = new Fmp4FragmentWriter(Fmp4WriterTests.AvcTrack(), null);
        var output = new ExactBufferWriter();
        uint[] times = [5000, 5040, 1000, 1040, 3 * 3600 * 1000, uint.MaxValue - 10, 30];
        foreach (var t in times)
        {
            writer.Add(AvcFrame(t, false, 0, Hex(AvcFrames[1].Nalus)));
        }
        writer.WriteFragment(output);
        var data = output.ToArray();

        var trun = ReadTrun(data, BoxWalker.Find(data, "moof/traf/trun"));
        Assert.Equal((uint)times.Length, trun.Count);
        Assert.Equal(3600u, trun.Durations[0]);
        Assert.Equal(3600u, trun.Durations[1]); // backward jump keeps the previous pace
        Assert.Equal(5000ul * 90, Tfdt(data, BoxWalker.Find(data, "moof/traf")));
    }

    [Fact]
    public void Sequence_headers_and_empty_queues_write_nothing()
    {
        var writer = new Fmp4FragmentWriter(Fmp4WriterTests.AvcTrack(), Fmp4WriterTests.AacTrack());
        writer.Add(AvcSequenceHeader());
        writer.Add(AacSequenceHeader());
        writer.Add(new FlvMediaSample(FlvMediaSample.VideoTag, 0, new byte[] { 0x17, 2, 0, 0, 0 }));
        writer.Add(EnhancedVideo(0, 1, 1, "hvc1", [0, 0, 0, 0, 0, 0, 1, 0x26])); // codec does not match the track
        var output = new ExactBufferWriter();
        writer.WriteFragment(output);

        Assert.Equal(0, writer.PendingSamples);
        Assert.Empty(output.ToArray());
        Assert.Equal(1u, writer.SequenceNumber);
    }

    [Fact]
    public void Adts_headers_on_aac_input_are_stripped()
    {
        var writer = new Fmp4FragmentWriter(null, Fmp4WriterTests.AacTrack());
        byte[] adts = [0xFF, 0xF1, 0x50, 0x80, 0x01, 0x1F, 0xFC, 9, 8, 7];
        writer.Add(AacFrame(0, adts));
        var output = new ExactBufferWriter();
        writer.WriteFragment(output);
        var data = output.ToArray();

        Assert.Equal(new byte[] { 9, 8, 7 }, BoxWalker.Find(data, "mdat").Body(data).ToArray());
    }
}
