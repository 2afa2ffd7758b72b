using OrleansLive.Media.Codecs;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Codecs;

public class DecoderRecordBuilderTests
{
    [Fact]
    public void Avc_record_from_sps_and_pps_matches_what_ffmpeg_wrote()
    {
        var record = DecoderRecordBuilder.BuildAvc([Hex(AvcSps)], [Hex(AvcPps)]);
        Assert.Equal(Hex(AvcRecord), record);
    }

    [Fact]
    public void High_profile_records_carry_chroma_format_and_bit_depths()
    {
        // x264 High 640x360 record: SPS then PPS, then fd f8 f8 00.
        var x264 = Hex("0164001effe1001a6764001eacd940a02ff97011000003000100000300320f162d9601000668ebe3cb22c0fdf8f800");
        Assert.True(VideoDecoderConfig.TryParse(VideoCodecId.H264, x264, out var parsed));
        var pps = x264.AsSpan(8 + parsed.Sps.Length + 3, 6).ToArray();
        Assert.Equal(x264, DecoderRecordBuilder.BuildAvc([parsed.Sps.ToArray()], [pps]));
    }

    [Fact]
    public void Hevc_record_from_vps_sps_pps_matches_what_ffmpeg_wrote()
    {
        Assert.True(VideoDecoderConfig.TryParse(VideoCodecId.H265, Hex(HevcRecord), out var parsed));
        var nals = new List<byte[]>();
        foreach (var nal in AnnexB.Split(parsed.ParameterSetsAnnexB))
        {
            nals.Add(nal.ToArray());
        }

        var record = DecoderRecordBuilder.BuildHevc([nals[0]], [nals[1]], [nals[2]]);
        Assert.Equal(Hex(HevcRecord), record);
        Assert.True(HevcConfig.TryParse(record, out var facts));
        Assert.Equal((64, 48), (facts.Width, facts.Height));
    }

    [Fact]
    public void Missing_or_undecodable_parameter_sets_build_nothing()
    {
        Assert.Null(DecoderRecordBuilder.BuildAvc([], [Hex(AvcPps)]));
        Assert.Null(DecoderRecordBuilder.BuildAvc([Hex(AvcSps)[..5]], [Hex(AvcPps)]));
        Assert.Null(DecoderRecordBuilder.BuildHevc([[0x40, 1]], [[0x42, 1, 1]], [[0x44, 1]]));
    }
}
