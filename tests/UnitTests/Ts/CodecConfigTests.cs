using OrleansLive.Media.Codecs;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Ts;

public class CodecConfigTests
{
    [Fact]
    public void Aac_lc_config_parses()
    {
        Assert.True(AudioSpecificConfig.TryParse(FlvTestVectors.AacConfig, out var config));
        Assert.Equal(new AudioSpecificConfig(2, 4, 44100, 2), config);
    }

    [Fact]
    public void Explicit_he_aac_reports_the_core_object_type_and_rate()
    {
        // SBR (5), 24 kHz core, stereo, 48 kHz extension, core AAC LC.
        Assert.True(AudioSpecificConfig.TryParse([0x2B, 0x11, 0x88], out var config));
        Assert.Equal(new AudioSpecificConfig(2, 6, 24000, 2), config);
    }

    [Fact]
    public void Adts_header_encodes_profile_rate_channels_and_length()
    {
        var header = new byte[7];
        new AudioSpecificConfig(2, 3, 48000, 1).WriteAdtsHeader(header, 300);
        Assert.Equal(new byte[] { 0xFF, 0xF1, 0x4C, 0x40, 0x26, 0x7F, 0xFC }, header);
    }

    [Fact]
    public void Avc_record_yields_length_size_parameter_sets_and_sps()
    {
        Assert.True(VideoDecoderConfig.TryParse(VideoCodecId.H264, Hex(AvcRecord), out var config));
        Assert.Equal(4, config.NalLengthSize);
        Assert.Equal(Hex("00000001" + AvcSps + "00000001" + AvcPps), config.ParameterSetsAnnexB);
        Assert.Equal(Hex(AvcSps), config.Sps.ToArray());
        Assert.Equal(Hex(AvcRecord), config.Record);
    }

    [Fact]
    public void Hevc_record_yields_vps_sps_pps()
    {
        Assert.True(VideoDecoderConfig.TryParse(VideoCodecId.H265, Hex(HevcRecord), out var config));
        Assert.Equal(4, config.NalLengthSize);
        Assert.Equal(33, (config.Sps[0] >> 1) & 0x3F);
        Assert.Equal(3, config.ParameterSetsAnnexB.AsSpan().Count(new byte[] { 0, 0, 0, 1 }));
    }

    [Fact]
    public void Truncated_records_are_rejected()
    {
        Assert.False(VideoDecoderConfig.TryParse(VideoCodecId.H264, Hex(AvcRecord)[..20], out _));
        Assert.False(VideoDecoderConfig.TryParse(VideoCodecId.H265, Hex(HevcRecord)[..60], out _));
        Assert.False(AudioSpecificConfig.TryParse([0x12], out _));
    }
}
