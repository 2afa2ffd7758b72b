using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Ts;

public class FlvSampleInfoTests
{
    [Fact]
    public void Legacy_avc_tags_are_classified()
    {
        var header = AvcSequenceHeader();
        var key = AvcFrame(0, true, 100, Hex(AvcFrames[0].Nalus));
        var inter = AvcFrame(100, false, 200, Hex(AvcFrames[1].Nalus));

        Assert.True(FlvSampleInfo.IsSequenceHeader(header));
        Assert.False(FlvSampleInfo.IsVideoKeyframe(header));
        Assert.True(OrleansLive.Media.Containers.Flv.FlvVideo.IsKeyframe(header.Data.Span));
        Assert.True(FlvSampleInfo.IsVideoKeyframe(key));
        Assert.False(FlvSampleInfo.IsSequenceHeader(key));
        Assert.False(FlvSampleInfo.IsVideoKeyframe(inter));
        Assert.Equal(100, FlvSampleInfo.CompositionTime(key.Data.Span));
        Assert.Equal(VideoCodecId.H264, FlvSampleInfo.VideoCodec(key.Data.Span));
    }

    [Fact]
    public void Composition_time_is_signed_24_bit()
    {
        byte[] tag = [0x27, 1, 0xFF, 0xFF, 0xF6, 0, 0, 0, 1, 0x41];
        Assert.Equal(-10, FlvSampleInfo.CompositionTime(tag));
    }

    [Fact]
    public void Enhanced_rtmp_headers_are_parsed()
    {
        var start = EnhancedVideo(0, 1, 0, "hvc1", Hex(HevcRecord));
        var coded = EnhancedVideo(0, 1, 1, "hvc1", [0x00, 0x00, 0x28, 0, 0, 0, 1, 0x26]);
        var codedX = EnhancedVideo(40, 2, 3, "avc1", [0, 0, 0, 1, 0x41]);
        var end = EnhancedVideo(80, 1, 2, "hvc1", []);

        Assert.True(FlvSampleInfo.IsSequenceHeader(start));
        Assert.True(FlvSampleInfo.TryParseVideo(coded.Data.Span, out var tag));
        Assert.Equal(VideoCodecId.H265, tag.Codec);
        Assert.Equal(FlvVideoPacketKind.CodedFrames, tag.Kind);
        Assert.Equal(40, tag.CompositionTime);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0x26 }, tag.Body.ToArray());
        Assert.True(FlvSampleInfo.IsVideoKeyframe(coded));

        Assert.True(FlvSampleInfo.TryParseVideo(codedX.Data.Span, out tag));
        Assert.Equal(VideoCodecId.H264, tag.Codec);
        Assert.Equal(0, tag.CompositionTime);
        Assert.False(tag.IsKeyframe);
        Assert.Equal(5, tag.Body.Length);

        Assert.True(FlvSampleInfo.TryParseVideo(end.Data.Span, out tag));
        Assert.Equal(FlvVideoPacketKind.EndOfSequence, tag.Kind);
        Assert.Equal(VideoCodecId.Unknown, FlvSampleInfo.VideoCodec(EnhancedVideo(0, 1, 1, "av01", [0, 0, 0]).Data.Span));
    }

    [Fact]
    public void Audio_tags_are_classified()
    {
        Assert.True(FlvSampleInfo.IsSequenceHeader(AacSequenceHeader()));
        Assert.False(FlvSampleInfo.IsSequenceHeader(AacFrame(0, [1, 2])));
        Assert.Equal(AudioCodecId.Aac, FlvSampleInfo.AudioCodec(AacFrame(0, [1, 2]).Data.Span));
        Assert.Equal(AudioCodecId.Mp3, FlvSampleInfo.AudioCodec([0x2F, 0xFF, 0xFB]));
        Assert.Equal(AudioCodecId.Unknown, FlvSampleInfo.AudioCodec([0xBF, 1, 2])); // Speex
    }

    [Fact]
    public void Short_or_empty_tags_are_rejected_without_throwing()
    {
        Assert.False(FlvSampleInfo.TryParseVideo([0x17, 1], out _));
        Assert.False(FlvSampleInfo.TryParseAudio([], out _));
        Assert.False(FlvSampleInfo.IsVideoKeyframe(new FlvMediaSample(FlvMediaSample.VideoTag, 0, Array.Empty<byte>())));
        Assert.False(FlvSampleInfo.IsSequenceHeader(new FlvMediaSample(FlvMediaSample.AudioTag, 0, new byte[] { 0xAF })));
    }
}
