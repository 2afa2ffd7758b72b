using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Samples;

namespace OrleansLive.UnitTests.Flv;

/// <summary>Writing a sample's FLV tag header and reading it back gives the same sample.</summary>
public class FlvSampleWriterTests
{
    public static TheoryData<SampleHeader> Headers => new()
    {
        new(MediaKind.Video, VideoCodecId.H264, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0),
        new(MediaKind.Video, VideoCodecId.H264, AudioCodecId.Unknown, SamplePart.Frame, true, 80, 0),
        new(MediaKind.Video, VideoCodecId.H264, AudioCodecId.Unknown, SamplePart.Frame, false, -40, 0),
        new(MediaKind.Video, VideoCodecId.H265, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0),
        new(MediaKind.Video, VideoCodecId.H265, AudioCodecId.Unknown, SamplePart.Frame, true, 0, 0),
        new(MediaKind.Video, VideoCodecId.H265, AudioCodecId.Unknown, SamplePart.Frame, false, 120, 0),
        new(MediaKind.Video, VideoCodecId.Av1, AudioCodecId.Unknown, SamplePart.Frame, true, 0, 0),
        new(MediaKind.Video, VideoCodecId.Vp8, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0),
        new(MediaKind.Video, VideoCodecId.Vp8, AudioCodecId.Unknown, SamplePart.Frame, true, 0, 0),
        new(MediaKind.Video, VideoCodecId.Vp8, AudioCodecId.Unknown, SamplePart.Frame, false, 0, 0),
        new(MediaKind.Video, VideoCodecId.Vp9, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0),
        new(MediaKind.Video, VideoCodecId.Vp9, AudioCodecId.Unknown, SamplePart.Frame, true, 0, 0),
        new(MediaKind.Video, VideoCodecId.Vp9, AudioCodecId.Unknown, SamplePart.Frame, false, 0, 0),
        new(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Aac, SamplePart.Config, false, 0, 0),
        new(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Aac, SamplePart.Frame, false, 0, 0),
        new(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Mp3, SamplePart.Frame, false, 0, 0),
        new(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Opus, SamplePart.Config, false, 0, 0),
        new(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Opus, SamplePart.Frame, false, 0, 0),
        new(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.G711A, SamplePart.Frame, false, 0, 0),
        new(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.G711U, SamplePart.Frame, false, 0, 0),
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Header_round_trips_through_the_tag_parser(SampleHeader header)
    {
        byte[] body = [0, 0, 0, 2, 0x65, 0x88];
        var tag = new byte[FlvSampleWriter.HeaderSize(header) + body.Length];
        var size = FlvSampleWriter.WriteHeader(tag, header);
        body.CopyTo(tag, size);

        var read = FlvSampleHeaders.Read(header.IsVideo ? FlvSampleHeaders.VideoTag : FlvSampleHeaders.AudioTag, tag);

        Assert.Equal(header with { BodyOffset = size }, read);
    }

    [Fact]
    public void Samples_flv_cannot_carry_get_no_header()
    {
        var unknown = new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Unknown, SamplePart.Frame, false, 0, 0);
        Assert.Equal(0, FlvSampleWriter.HeaderSize(unknown));
        Assert.Equal(0, FlvSampleWriter.WriteHeader(new byte[8], unknown));
    }
}
