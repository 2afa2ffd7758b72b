using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.UnitTests;

public class FlvTests
{
    // The first 410 bytes of an FLV ffmpeg wrote (640x360 x264 + AAC): file header, onMetaData,
    // the AVC sequence header and the AAC sequence header.
    private const string FfmpegFlvPrefix =
        "464c5601050000000900000000120001250000000000000002000a6f6e4d65746144617461080000000d00086475726174696f6e" +
        "003ff147ae147ae148000577696474680040840000000000000006686569676874004076800000000000000d766964656f646174" +
        "617261746500000000000000000000096672616d6572617465004039000000000000000c766964656f636f646563696400401c00" +
        "0000000000000d617564696f646174617261746500405f400000000000000f617564696f73616d706c65726174650040e5888000" +
        "000000000f617564696f73616d706c6573697a65004030000000000000000673746572656f0101000c617564696f636f64656369" +
        "640040240000000000000007656e636f64657202000d4c61766635392e32372e313030000866696c6573697a650040fb05f00000" +
        "000000000900000130090000340000000000000017000000000164001effe1001a6764001eacd940a02ff9701100000300010000" +
        "0300320f162d9601000668ebe3cb22c0fdf8f8000000003f0800000700000000000000af00121056e50000000012";

    [Theory]
    [InlineData(true, true, "464C5601050000000900000000")]
    [InlineData(true, false, "464C5601040000000900000000")]
    [InlineData(false, true, "464C5601010000000900000000")]
    public void File_header_bytes(bool audio, bool video, string hex)
    {
        var header = new byte[13];
        FlvWriter.WriteFileHeader(header, audio, video);
        Assert.Equal(Convert.FromHexString(hex), header);

        ReadOnlySpan<byte> data = header;
        Assert.True(FlvReader.TryReadFileHeader(ref data, out var hasAudio, out var hasVideo));
        Assert.Equal((audio, video), (hasAudio, hasVideo));
        Assert.True(data.IsEmpty);
    }

    [Fact]
    public void Tag_header_and_previous_tag_size_bytes()
    {
        var header = new byte[11];
        FlvWriter.WriteTagHeader(header, FlvConstants.TagVideo, 52, 0x12345678);
        Assert.Equal(Convert.FromHexString("0900003434567812000000"), header);

        FlvWriter.WriteTagHeader(header, FlvConstants.TagAudio, 0xFFFFFF, 40);
        Assert.Equal(Convert.FromHexString("08FFFFFF00002800000000"), header);

        var size = new byte[4];
        FlvWriter.WritePreviousTagSize(size, 63);
        Assert.Equal(Convert.FromHexString("0000003F"), size);
        Assert.Throws<ArgumentOutOfRangeException>(() => FlvWriter.WriteTagHeader(new byte[11], 8, 0x1000000, 0));
    }

    [Fact]
    public void Written_tags_read_back()
    {
        var tags = new[]
        {
            new FlvTag(FlvConstants.TagScript, 0, [0x02, 0x00, 0x01, 0x61]),
            new FlvTag(FlvConstants.TagVideo, 0, [0x17, 0x00, 0x00, 0x00, 0x00]),
            new FlvTag(FlvConstants.TagAudio, 23, [0xAF, 0x01, 0x21]),
            new FlvTag(FlvConstants.TagVideo, 0x01020304, [0x27, 0x01]), // needs the extended byte
            new FlvTag(FlvConstants.TagAudio, 46, []),
        };

        // Frame each tag in place around its data, as the media layer does with message buffers.
        var file = new List<byte>();
        var fileHeader = new byte[13];
        FlvWriter.WriteFileHeader(fileHeader, true, true);
        file.AddRange(fileHeader);
        foreach (var tag in tags)
        {
            var buffer = new byte[11 + tag.Data.Length + 4];
            tag.Data.CopyTo(buffer, 11);
            FlvWriter.WriteTagHeader(buffer, tag.Type, tag.Data.Length, tag.Timestamp);
            FlvWriter.WritePreviousTagSize(buffer.AsSpan(11 + tag.Data.Length), 11 + tag.Data.Length);
            file.AddRange(buffer);
        }

        ReadOnlySpan<byte> data = file.ToArray();
        Assert.True(FlvReader.TryReadFileHeader(ref data, out _, out _));
        foreach (var expected in tags)
        {
            Assert.True(FlvReader.TryReadTag(ref data, out var tag));
            Assert.Equal(expected.Type, tag.Type);
            Assert.Equal(expected.Timestamp, tag.Timestamp);
            Assert.Equal(expected.Data, tag.Data);
        }

        Assert.True(data.IsEmpty);
        Assert.False(FlvReader.TryReadTag(ref data, out _));
    }

    [Fact]
    public void Reads_an_ffmpeg_flv()
    {
        ReadOnlySpan<byte> data = Convert.FromHexString(FfmpegFlvPrefix);
        Assert.True(FlvReader.TryReadFileHeader(ref data, out var hasAudio, out var hasVideo));
        Assert.True(hasAudio && hasVideo);

        Assert.True(FlvReader.TryReadTag(ref data, out var script));
        Assert.Equal(FlvConstants.TagScript, script.Type);
        Assert.Equal(293, script.Data.Length);

        Assert.True(FlvReader.TryReadTag(ref data, out var video));
        Assert.Equal(FlvConstants.TagVideo, video.Type);
        Assert.True(FlvVideo.IsSequenceHeader(video.Data));

        Assert.True(FlvReader.TryReadTag(ref data, out var audio));
        Assert.Equal(FlvConstants.TagAudio, audio.Type);
        Assert.True(FlvAudio.IsSequenceHeader(audio.Data));
        Assert.True(data.IsEmpty);
    }

    [Fact]
    public void Incomplete_input_is_not_consumed()
    {
        var bytes = Convert.FromHexString(FfmpegFlvPrefix);
        ReadOnlySpan<byte> shortHeader = bytes.AsSpan(0, 12);
        Assert.False(FlvReader.TryReadFileHeader(ref shortHeader, out _, out _));
        Assert.Equal(12, shortHeader.Length);

        ReadOnlySpan<byte> partialTag = bytes.AsSpan(13, 11 + 293 + 3);
        Assert.False(FlvReader.TryReadTag(ref partialTag, out _));
        Assert.Equal(11 + 293 + 3, partialTag.Length);

        ReadOnlySpan<byte> notFlv = Convert.FromHexString("464C5801050000000900000000");
        Assert.False(FlvReader.TryReadFileHeader(ref notFlv, out _, out _));
    }

    [Theory]
    [InlineData("1700000000", true, true, 7)] // AVC sequence header
    [InlineData("1701000000", true, false, 7)] // AVC keyframe
    [InlineData("2701000000", false, false, 7)] // AVC inter frame
    [InlineData("2700000000", false, false, 7)] // packet type 0 on a non-keyframe: not a sequence header (as SRS)
    [InlineData("1C00000000", true, true, 12)] // HEVC by legacy codec id 12
    [InlineData("2C01000000", false, false, 12)]
    [InlineData("9068766331", true, true, 12)] // enhanced: key + SequenceStart, hvc1
    [InlineData("9061766331", true, true, 7)] // enhanced: avc1 SequenceStart
    [InlineData("9161763031", true, false, 13)] // enhanced: key + CodedFrames, av01
    [InlineData("A361766331", false, false, 7)] // enhanced: inter + CodedFramesX, avc1
    [InlineData("A076703039", false, true, 0)] // enhanced: vp09 SequenceStart (not a keyframe)
    [InlineData("12", true, false, 2)] // H.263 keyframe
    [InlineData("", false, false, 0)]
    public void Video_tag_facts(string hex, bool keyframe, bool sequenceHeader, byte codecId)
    {
        var data = Convert.FromHexString(hex);
        Assert.Equal(keyframe, FlvVideo.IsKeyframe(data));
        Assert.Equal(sequenceHeader, FlvVideo.IsSequenceHeader(data));
        Assert.Equal(codecId, FlvVideo.CodecId(data));
    }

    [Fact]
    public void Enhanced_video_header_fields()
    {
        var data = Convert.FromHexString("A368766331");
        Assert.True(FlvVideo.IsExHeader(data));
        Assert.Equal(FlvVideo.FrameInter, FlvVideo.FrameType(data));
        Assert.Equal(FlvVideo.PacketTypeCodedFramesX, FlvVideo.PacketType(data));
        Assert.Equal(FlvFourCC.Hvc1, FlvVideo.FourCC(data));

        var legacy = Convert.FromHexString("1701");
        Assert.False(FlvVideo.IsExHeader(legacy));
        Assert.Equal(FlvVideo.AvcNalu, FlvVideo.PacketType(legacy));
        Assert.Equal(0u, FlvVideo.FourCC(legacy));
        Assert.Equal(0xFF, FlvVideo.PacketType(Convert.FromHexString("4401"))); // VP6 has no packet type
    }

    [Theory]
    [InlineData("AF001210", true, 10)] // AAC sequence header
    [InlineData("AF01DE02", false, 10)] // AAC raw frame
    [InlineData("AF", false, 10)]
    [InlineData("2AFFF340", false, 2)] // MP3
    [InlineData("904F707573", true, 9)] // enhanced Opus SequenceStart
    [InlineData("914F707573", false, 9)] // enhanced Opus CodedFrames
    [InlineData("90", false, 9)] // enhanced header cut short
    [InlineData("", false, 0xFF)]
    public void Audio_tag_facts(string hex, bool sequenceHeader, byte soundFormat)
    {
        var data = Convert.FromHexString(hex);
        Assert.Equal(sequenceHeader, FlvAudio.IsSequenceHeader(data));
        Assert.Equal(soundFormat, FlvAudio.SoundFormat(data));
    }

    [Fact]
    public void Audio_flags_and_fourcc()
    {
        var mp3 = Convert.FromHexString("2A");
        Assert.Equal(22050, FlvAudio.FlagSampleRate(mp3));
        Assert.Equal(1, FlvAudio.FlagChannels(mp3));
        Assert.Equal(44100, FlvAudio.FlagSampleRate([0xAF]));
        Assert.Equal(2, FlvAudio.FlagChannels([0xAF]));
        Assert.Equal(FlvFourCC.Opus, FlvAudio.FourCC(Convert.FromHexString("904F707573")));
        Assert.Equal(0u, FlvAudio.FourCC(Convert.FromHexString("AF00")));
    }
}
