using System.Buffers.Binary;
using System.Text;
using OrleansLive.Media.Containers.Mp4;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Mp4;

public class Fmp4WriterTests
{
    internal static Fmp4TrackConfig AvcTrack()
    {
        Assert.True(Fmp4TrackConfig.TryFromFlvVideo(AvcSequenceHeader().Data.Span, out var config));
        return config;
    }

    internal static Fmp4TrackConfig AacTrack()
    {
        Assert.True(Fmp4TrackConfig.TryFromFlvAudio(AacSequenceHeader().Data.Span, out var config));
        return config;
    }

    private static byte[] Init(Fmp4TrackConfig? video, Fmp4TrackConfig? audio)
    {
        var output = new ExactBufferWriter();
        Fmp4Writer.WriteInitSegment(output, video, audio);
        return output.ToArray();
    }

    [Fact]
    public void Init_segment_is_ftyp_then_moov_with_traks_and_mvex()
    {
        var init = Init(AvcTrack(), AacTrack());

        Assert.Equal(["ftyp", "moov"], BoxWalker.Top(init).Select(b => b.Type));
        var ftyp = BoxWalker.Find(init, "ftyp").Body(init);
        Assert.Equal("iso6", Encoding.ASCII.GetString(ftyp[..4]));
        var brands = Encoding.ASCII.GetString(ftyp[8..]);
        Assert.Contains("cmfc", brands);
        Assert.Contains("iso5", brands);

        Assert.Equal(["mvhd", "trak", "trak", "mvex"], BoxWalker.Children(init, BoxWalker.Find(init, "moov")).Select(b => b.Type));
        var trex = BoxWalker.FindAll(init, "moov/mvex/trex");
        Assert.Equal([1u, 2u], trex.Select(t => BinaryPrimitives.ReadUInt32BigEndian(t.FullBody(init))));
        Assert.Equal(2, BoxWalker.FindAll(init, "moov/trak/mdia/minf/stbl/stts").Count);
        Assert.All(BoxWalker.FindAll(init, "moov/trak/mdia/minf/stbl/stsz"), b => Assert.Equal(20, b.Size));
        Assert.Single(BoxWalker.FindAll(init, "moov/trak/mdia/minf/vmhd"));
        Assert.Single(BoxWalker.FindAll(init, "moov/trak/mdia/minf/smhd"));
    }

    [Fact]
    public void Video_trak_carries_avcc_record_size_and_90khz_timescale()
    {
        var init = Init(AvcTrack(), null);

        var avcC = BoxWalker.Find(init, "moov/trak/mdia/minf/stbl/stsd/avc1/avcC");
        Assert.Equal(Hex(AvcRecord), avcC.Body(init).ToArray());
        var tkhd = BoxWalker.Find(init, "moov/trak/tkhd").FullBody(init);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(tkhd[8..]));
        Assert.Equal(64u << 16, BinaryPrimitives.ReadUInt32BigEndian(tkhd[^8..]));
        Assert.Equal(48u << 16, BinaryPrimitives.ReadUInt32BigEndian(tkhd[^4..]));
        var mdhd = BoxWalker.Find(init, "moov/trak/mdia/mdhd").FullBody(init);
        Assert.Equal(90000u, BinaryPrimitives.ReadUInt32BigEndian(mdhd[8..]));
        Assert.Equal("vide", Encoding.ASCII.GetString(BoxWalker.Find(init, "moov/trak/mdia/hdlr").FullBody(init)[4..8]));
        var avc1 = BoxWalker.Find(init, "moov/trak/mdia/minf/stbl/stsd/avc1").Body(init);
        Assert.Equal(64, BinaryPrimitives.ReadUInt16BigEndian(avc1[24..]));
        Assert.Equal(48, BinaryPrimitives.ReadUInt16BigEndian(avc1[26..]));
    }

    [Fact]
    public void Audio_trak_carries_esds_with_the_audio_specific_config()
    {
        var init = Init(null, AacTrack());

        var mdhd = BoxWalker.Find(init, "moov/trak/mdia/mdhd").FullBody(init);
        Assert.Equal(44100u, BinaryPrimitives.ReadUInt32BigEndian(mdhd[8..]));
        Assert.Equal("soun", Encoding.ASCII.GetString(BoxWalker.Find(init, "moov/trak/mdia/hdlr").FullBody(init)[4..8]));
        var mp4a = BoxWalker.Find(init, "moov/trak/mdia/minf/stbl/stsd/mp4a").Body(init);
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(mp4a[16..]));
        Assert.Equal(44100u << 16, BinaryPrimitives.ReadUInt32BigEndian(mp4a[24..]));

        var esds = BoxWalker.Find(init, "moov/trak/mdia/minf/stbl/stsd/mp4a/esds").FullBody(init).ToArray();
        Assert.Equal(0x03, esds[0]); // ES_Descriptor
        Assert.Equal(esds.Length - 2, esds[1]);
        Assert.Equal(0x04, esds[5]); // DecoderConfigDescriptor
        Assert.Equal(0x40, esds[7]); // MPEG-4 audio
        Assert.Equal(0x15, esds[8]); // audio stream
        var specific = esds.AsSpan(20);
        Assert.Equal(new byte[] { 0x05, 2, 0x12, 0x10, 0x06, 1, 0x02 }, specific.ToArray());
    }

    [Fact]
    public void Hevc_trak_uses_hvc1_with_hvcc_record()
    {
        Assert.True(Fmp4TrackConfig.TryFromFlvVideo(EnhancedVideo(0, 1, 0, "hvc1", Hex(HevcRecord)).Data.Span, out var hevc));
        var init = Init(hevc, null);

        Assert.Equal(Fmp4Codec.Hevc, hevc.Codec);
        Assert.Equal((64, 48), (hevc.Width, hevc.Height));
        Assert.Equal(Hex(HevcRecord), BoxWalker.Find(init, "moov/trak/mdia/minf/stbl/stsd/hvc1/hvcC").Body(init).ToArray());
        Assert.True(Fmp4TrackConfig.TryFromFlvVideo(HevcLegacySequenceHeader().Data.Span, out var legacy));
        Assert.Equal(Fmp4Codec.Hevc, legacy.Codec);
    }

    [Fact]
    public void Track_configs_expose_codec_strings_and_explicit_sizes()
    {
        Assert.Equal("avc1.4D400A", AvcTrack().CodecString);
        Assert.Equal("mp4a.40.2", AacTrack().CodecString);
        Assert.True(Fmp4TrackConfig.TryFromFlvVideo(HevcLegacySequenceHeader().Data.Span, out var hevc));
        Assert.Equal("hvc1.1.6.L30.90", hevc.CodecString);
        Assert.True(Fmp4TrackConfig.TryFromFlvVideo(AvcSequenceHeader().Data.Span, 1280, 720, out var sized));
        Assert.Equal((1280, 720), (sized.Width, sized.Height));
    }

    [Fact]
    public void Mp3_track_comes_from_the_first_frame_header()
    {
        byte[] tag = [0x2F, 0xFF, 0xFB, 0x90, 0xC4, 0, 0];
        Assert.True(Fmp4TrackConfig.TryFromFlvAudio(tag, out var mp3));
        Assert.Equal((Fmp4Codec.Mp3, 44100, 1), (mp3.Codec, mp3.SampleRate, mp3.Channels));
        var init = Init(null, mp3);
        var esds = BoxWalker.Find(init, "moov/trak/mdia/minf/stbl/stsd/mp4a/esds").FullBody(init).ToArray();
        Assert.Equal(0x6B, esds[7]);
    }

    [Fact]
    public void Non_sequence_headers_are_not_track_configs()
    {
        Assert.False(Fmp4TrackConfig.TryFromFlvVideo(AvcFrame(0, true, 0, Hex(AvcFrames[0].Nalus)).Data.Span, out _));
        Assert.False(Fmp4TrackConfig.TryFromFlvAudio(AacFrame(0, [1, 2, 3]).Data.Span, out _));
        Assert.Throws<ArgumentException>(() => Fmp4Writer.WriteInitSegment(new ExactBufferWriter(), null, null));
    }
}
