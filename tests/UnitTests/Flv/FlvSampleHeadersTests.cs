using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Samples;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Flv;

public class FlvSampleHeadersTests
{
    private static SampleHeader Video(ReadOnlySpan<byte> tag) => FlvSampleHeaders.Read(FlvSampleHeaders.VideoTag, tag);

    private static SampleHeader Audio(ReadOnlySpan<byte> tag) => FlvSampleHeaders.Read(FlvSampleHeaders.AudioTag, tag);

    [Fact]
    public void Legacy_avc_tags_are_classified()
    {
        var header = AvcSequenceHeader().ToSample();
        var key = AvcFrame(0, true, 100, Hex(AvcFrames[0].Nalus)).ToSample();
        var inter = AvcFrame(100, false, 200, Hex(AvcFrames[1].Nalus)).ToSample();

        Assert.True(header.Header.IsConfig);
        Assert.False(header.Header.IsKeyframe);
        Assert.Equal(Hex(AvcRecord), header.Data.ToArray());
        Assert.True(key.Header.IsKeyframe);
        Assert.False(key.Header.IsConfig);
        Assert.False(inter.Header.IsKeyframe);
        Assert.Equal(100, key.Header.CompositionTime);
        Assert.Equal(100, key.Pts);
        Assert.Equal(VideoCodecId.H264, key.Header.VideoCodec);
        Assert.Equal(Hex(AvcFrames[0].Nalus), key.Data.ToArray());
    }

    [Fact]
    public void Composition_time_is_signed_24_bit()
    {
        Assert.Equal(-10, Video([0x27, 1, 0xFF, 0xFF, 0xF6, 0, 0, 0, 1, 0x41]).CompositionTime);
    }

    [Fact]
    public void Enhanced_rtmp_headers_are_parsed()
    {
        var start = EnhancedVideo(0, 1, 0, "hvc1", Hex(HevcRecord)).ToSample();
        var coded = EnhancedVideo(0, 1, 1, "hvc1", [0x00, 0x00, 0x28, 0, 0, 0, 1, 0x26]).ToSample();
        var codedX = EnhancedVideo(40, 2, 3, "avc1", [0, 0, 0, 1, 0x41]).ToSample();
        var end = EnhancedVideo(80, 1, 2, "hvc1", []).ToSample();

        Assert.True(start.Header.IsConfig);
        Assert.Equal(VideoCodecId.H265, coded.Header.VideoCodec);
        Assert.Equal(SamplePart.Frame, coded.Header.Part);
        Assert.Equal(40, coded.Header.CompositionTime);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0x26 }, coded.Data.ToArray());
        Assert.True(coded.Header.IsKeyframe);

        Assert.Equal(VideoCodecId.H264, codedX.Header.VideoCodec);
        Assert.Equal(0, codedX.Header.CompositionTime);
        Assert.False(codedX.Header.IsKeyframe);
        Assert.Equal(5, codedX.Data.Length);

        Assert.Equal(SamplePart.EndOfSequence, end.Header.Part);
        Assert.Equal(VideoCodecId.Av1, EnhancedVideo(0, 1, 1, "av01", [0, 0, 0]).ToSample().Header.VideoCodec);
        Assert.Equal(VideoCodecId.Unknown, EnhancedVideo(0, 1, 1, "xxxx", [0, 0, 0]).ToSample().Header.VideoCodec);
    }

    [Fact]
    public void Vp8_and_vp9_tags_carry_the_frame_type_and_their_configuration_record()
    {
        var key = EnhancedVideo(0, 1, 3, "vp08", [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A]).ToSample();
        var inter = EnhancedVideo(33, 2, 1, "vp08", [0, 0, 0, 0x11, 0x22]).ToSample();
        Assert.Equal((VideoCodecId.Vp8, true, 5), (key.Header.VideoCodec, key.Header.IsKeyframe, key.Header.BodyOffset));
        Assert.Equal(new byte[] { 0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A }, key.Data.ToArray());
        Assert.Equal((VideoCodecId.Vp8, false, 8), (inter.Header.VideoCodec, inter.Header.IsKeyframe, inter.Header.BodyOffset));

        var start = EnhancedVideo(0, 1, 0, "vp09", VpConfig.Build(profile: 0, level: 31));
        var header = start.ToSample().Header;
        Assert.Equal((VideoCodecId.Vp9, SamplePart.Config), (header.VideoCodec, header.Part));
        Assert.True(VideoCodecInfo.TryParse(start.Data.Span, out var facts));
        Assert.Equal(new VideoFacts("VP9", "0", "3.1", 0, 0), facts);
        Assert.True(VideoCodecInfo.TryParse(EnhancedVideo(0, 1, 0, "vp08", VpConfig.Build()).Data.Span, out facts));
        Assert.Equal(("VP8", "Other"), (facts.Codec, facts.Level));
        Assert.False(VpConfig.TryParse(VideoCodecId.Vp8, [0, 0, 0], out _));
    }

    [Fact]
    public void Other_legacy_video_codecs_pass_as_opaque_frames_whose_keyframes_open_gops()
    {
        var vp6 = Video([0x14, 0, 1, 2]);
        Assert.Equal((VideoCodecId.Unknown, SamplePart.Frame, true, 1), (vp6.VideoCodec, vp6.Part, vp6.IsKeyframe, vp6.BodyOffset));
        Assert.Equal(SamplePart.Other, Video([0x57, 0]).Part); // command frame
        Assert.Equal(SamplePart.Other, Video([0x27, 0, 0, 0, 0]).Part); // a "sequence header" that is no keyframe
    }

    [Fact]
    public void Audio_tags_are_classified()
    {
        Assert.True(AacSequenceHeader().ToSample().Header.IsConfig);
        var raw = AacFrame(0, [1, 2]).ToSample();
        Assert.Equal((AudioCodecId.Aac, SamplePart.Frame), (raw.Header.AudioCodec, raw.Header.Part));
        Assert.Equal(new byte[] { 1, 2 }, raw.Data.ToArray());
        Assert.Equal(AudioCodecId.Mp3, Audio([0x2F, 0xFF, 0xFB]).AudioCodec);
        Assert.Equal(AudioCodecId.G711A, Audio([0x72, 0xD5]).AudioCodec);
        Assert.Equal(AudioCodecId.G711U, Audio([0x82, 0xFF]).AudioCodec);
        Assert.Equal(AudioCodecId.Unknown, Audio([0xBF, 1, 2]).AudioCodec); // Speex
        var opus = Audio([0x90, (byte)'O', (byte)'p', (byte)'u', (byte)'s', .. "OpusHead"u8]);
        Assert.Equal((AudioCodecId.Opus, SamplePart.Config, 5), (opus.AudioCodec, opus.Part, opus.BodyOffset));
    }

    [Fact]
    public void Short_or_empty_tags_are_placed_as_other_without_throwing()
    {
        Assert.Equal(SamplePart.Other, Video([0x17]).Part);
        Assert.Equal(SamplePart.Other, Audio([]).Part);
        Assert.Equal(SamplePart.Other, Audio([0xAF]).Part);
        Assert.Equal(SamplePart.Other, Video([]).Part);
        Assert.Equal(SamplePart.Other, Video([0x91, 0x68]).Part); // enhanced header cut short
        Assert.Equal(SamplePart.Other, Video([0x91, 0x68, 0x76, 0x63, 0x31, 0, 0]).Part); // CodedFrames without its composition time
    }
}
