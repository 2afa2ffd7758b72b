using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.UnitTests;

public class CodecInfoTests
{
    // AVCDecoderConfigurationRecords written by x264 through ffmpeg's FLV muxer; expectations are
    // what ffprobe reports for the same streams.
    private const string X264High640x360 =
        "0164001effe1001a6764001eacd940a02ff97011000003000100000300320f162d9601000668ebe3cb22c0fdf8f800";

    private const string X264High1920x1080 =
        "01640028ffe1001b67640028acd940780227e5c044000003000400000300c83c60c65801000668ebe3cb22c0fdf8f800";

    private const string X264Baseline320x240 =
        "0142c00dffe100186742c00dd90141fb011000000300100000030320f142a48001000568cb83cb20";

    private const string X264High422At1280x720 =
        "017a001fffe1001a677a001fb6cd9405005bb011000003000100000300320f18319601000668ebe3cb22c0fefafa00";

    private const string X264InterlacedHigh1920x1080 =
        "01640028ffe1001a67640028acd94078044fde0220000003002000000643e2c5b2c001000668fba3cb22c0fdf8f800";

    private const string X264High444At854x480 =
        "01f4001effe1001b67f4001e919b281b07bc5f80880000030008000003019078b16cb001000668ebe3c44844fff8f800";

    // HEVCDecoderConfigurationRecords from x265 (via ffmpeg's MP4 muxer), trimmed to the parameter sets.
    private const string X265Main1280x720 =
        "0101600000009000000000005df000fcfdf8f800000f03200001001840010c01ffff01600000030090000003000003005d9598" +
        "09210001002b42010101600000030090000003000003005da00280802d165959a4932bc05a0200000300020000030032102200" +
        "0100074401c172b46240";

    private const string X265Main10At1920x1080 =
        "01022000000090000000000078f000fcfdfafa00000f01210001002d420101022000000300900000030000030078a003c08011" +
        "07cad965654a4c2f016808000003000800000300c840";

    // AV1CodecConfigurationRecord from SVT-AV1 at 1280x720 (ffprobe: profile Main, level index 5).
    private const string SvtAv1Main = "81050c000a0b0000002d4cffb3c02f8004";

    [Theory]
    [InlineData(X264High640x360, "High", "3", 640, 360)]
    [InlineData(X264High1920x1080, "High", "4", 1920, 1080)]
    [InlineData(X264Baseline320x240, "Baseline", "1.3", 320, 240)]
    [InlineData(X264High422At1280x720, "High(422)", "3.1", 1280, 720)]
    [InlineData(X264InterlacedHigh1920x1080, "High", "4", 1920, 1080)]
    [InlineData(X264High444At854x480, "High(444)", "3", 854, 480)]
    public void Avc_records_from_x264(string hex, string profile, string level, int width, int height)
    {
        Assert.True(AvcConfig.TryParse(Convert.FromHexString(hex), out var info));
        Assert.Equal(new VideoFacts("H264", profile, level, width, height), info);
    }

    [Fact]
    public void Sps_with_scaling_lists_poc_type_1_and_cropping()
    {
        var sps = new SpsBuilder { ChromaFormatIdc = 1, ScalingLists = true, PocType = 1, WidthInMbs = 80, HeightInMapUnits = 45, Crop = (2, 3, 1, 4) }.Build();
        Assert.True(AvcConfig.TryParseSps(sps, out var info));
        Assert.Equal(new VideoFacts("H264", "High", "4", 1280 - 2 * 5, 720 - 2 * 5), info);

        // The same SPS inside a configuration record.
        byte[] record = [1, 100, 0, 40, 0xFF, 0xE1, (byte)(sps.Length >> 8), (byte)sps.Length, .. sps, 0];
        Assert.True(AvcConfig.TryParse(record, out var fromRecord));
        Assert.Equal(info, fromRecord);
    }

    [Fact]
    public void Monochrome_field_coded_sps()
    {
        // Chroma format 0: crop units are 1 horizontally, 2 vertically for field coding.
        var sps = new SpsBuilder { ChromaFormatIdc = 0, FrameMbsOnly = false, WidthInMbs = 40, HeightInMapUnits = 15, Crop = (1, 1, 2, 2) }.Build();
        Assert.True(AvcConfig.TryParseSps(sps, out var info));
        Assert.Equal((638, 472), (info.Width, info.Height));
    }

    [Theory]
    [InlineData(66, "Baseline")]
    [InlineData(77, "Main")]
    [InlineData(88, "Extended")]
    [InlineData(100, "High")]
    [InlineData(110, "High(10)")]
    [InlineData(122, "High(422)")]
    [InlineData(244, "High(444)")]
    [InlineData(44, "Other")]
    public void Avc_profile_names(int idc, string name) => Assert.Equal(name, AvcConfig.ProfileName(idc));

    [Theory]
    [InlineData(9, "1b")]
    [InlineData(10, "1")]
    [InlineData(11, "1.1")]
    [InlineData(13, "1.3")]
    [InlineData(30, "3")]
    [InlineData(31, "3.1")]
    [InlineData(41, "4.1")]
    [InlineData(51, "5.1")]
    [InlineData(52, "5.2")]
    [InlineData(14, "Other")]
    [InlineData(0, "Other")]
    public void Avc_level_names(int idc, string name) => Assert.Equal(name, AvcConfig.LevelName(idc));

    [Fact]
    public void Hevc_records_from_x265()
    {
        Assert.True(HevcConfig.TryParse(Convert.FromHexString(X265Main1280x720), out var main));
        Assert.Equal(new VideoFacts("HEVC", "Main", "3.1", 1280, 720), main);

        // 1080 lines are coded as 1088 with a conformance window.
        Assert.True(HevcConfig.TryParse(Convert.FromHexString(X265Main10At1920x1080), out var main10));
        Assert.Equal(new VideoFacts("HEVC", "Main10", "4", 1920, 1080), main10);
    }

    [Fact]
    public void Hevc_record_without_sps_has_no_size()
    {
        var record = Convert.FromHexString(X265Main1280x720)[..23];
        record[22] = 0;
        Assert.True(HevcConfig.TryParse(record, out var info));
        Assert.Equal(new VideoFacts("HEVC", "Main", "3.1", 0, 0), info);
    }

    [Theory]
    [InlineData(30, "1")]
    [InlineData(63, "2.1")]
    [InlineData(93, "3.1")]
    [InlineData(153, "5.1")]
    [InlineData(186, "6.2")]
    [InlineData(94, "Other")]
    public void Hevc_level_names(int idc, string name) => Assert.Equal(name, HevcConfig.LevelName(idc));

    [Fact]
    public void Av1_record()
    {
        Assert.True(Av1Config.TryParse(Convert.FromHexString(SvtAv1Main), out var info));
        Assert.Equal(new VideoFacts("AV1", "Main", "3.1", 1280, 720), info);
    }

    [Fact]
    public void Video_tags_dispatch_by_codec()
    {
        VideoFacts? info;
        var avc = new VideoFacts("H264", "High", "3", 640, 360);
        Assert.True(VideoCodecInfo.TryParse(Convert.FromHexString("1700000000" + X264High640x360), out info));
        Assert.Equal(avc, info);
        Assert.True(VideoCodecInfo.TryParse(Convert.FromHexString("9061766331" + X264High640x360), out info));
        Assert.Equal(avc, info);

        Assert.True(VideoCodecInfo.TryParse(Convert.FromHexString("1C00000000" + X265Main1280x720), out info));
        Assert.Equal(new VideoFacts("HEVC", "Main", "3.1", 1280, 720), info);
        Assert.True(VideoCodecInfo.TryParse(Convert.FromHexString("9068766331" + X265Main10At1920x1080), out info));
        Assert.Equal(new VideoFacts("HEVC", "Main10", "4", 1920, 1080), info);

        Assert.True(VideoCodecInfo.TryParse(Convert.FromHexString("9061763031" + SvtAv1Main), out info));
        Assert.Equal("AV1", info.Codec);

        Assert.True(VideoCodecInfo.TryParse(Convert.FromHexString("1400"), out info));
        Assert.Equal(new VideoFacts("VP6", "Other", "Other", 0, 0), info);
        Assert.True(VideoCodecInfo.TryParse(Convert.FromHexString("9076703039010203"), out info));
        Assert.Equal(new VideoFacts("VP9", "Other", "Other", 0, 0), info); // a record too short to read
        Assert.True(VideoCodecInfo.TryParse(Convert.FromHexString("9078787878"), out info));
        Assert.Equal("Other", info.Codec);

        // Frames that are not sequence headers say nothing about AVC/HEVC streams.
        Assert.False(VideoCodecInfo.TryParse(Convert.FromHexString("1701000000000000"), out _));
        Assert.False(VideoCodecInfo.TryParse(Convert.FromHexString("9161766331000000"), out _));
        Assert.False(VideoCodecInfo.TryParse([], out _));
    }

    [Theory]
    [InlineData("1210", "LC", 44100, 2)]
    [InlineData("1190", "LC", 48000, 2)]
    [InlineData("11B0", "LC", 48000, 6)]
    [InlineData("1388", "LC", 22050, 1)]
    [InlineData("0A10", "Main", 44100, 2)]
    [InlineData("2B1188", "HE", 48000, 2)] // explicit SBR: core 24 kHz, output 48 kHz
    [InlineData("EB0988", "HEv2", 48000, 2)] // parametric stereo: mono core plays as stereo
    [InlineData("1780562210", "LC", 44100, 2)] // explicit 24-bit sample rate
    [InlineData("F94640", "Other", 48000, 2)] // escaped object type (42)
    public void Aac_configs(string hex, string profile, int rate, int channels)
    {
        Assert.True(AacConfig.TryParse(Convert.FromHexString(hex), out var info));
        Assert.Equal(new AudioFacts("AAC", rate, channels, profile), info);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("16900000")] // reserved frequency index 13
    [InlineData("1780")] // explicit rate cut short
    public void Bad_aac_configs(string hex) => Assert.False(AacConfig.TryParse(Convert.FromHexString(hex), out _));

    [Fact]
    public void Audio_tags_dispatch_by_format()
    {
        AudioFacts? info;
        Assert.True(AudioCodecInfo.TryParse(Convert.FromHexString("AF00121056E500"), out info));
        Assert.Equal(new AudioFacts("AAC", 44100, 2, "LC"), info);
        Assert.False(AudioCodecInfo.TryParse(Convert.FromHexString("AF01DE02004C"), out _));

        // MP3 from ffmpeg (22050 Hz mono): facts come from the FLV sound flags.
        Assert.True(AudioCodecInfo.TryParse(Convert.FromHexString("2AFFF340C400"), out info));
        Assert.Equal(new AudioFacts("MP3", 22050, 1, "Other"), info);
        Assert.True(AudioCodecInfo.TryParse(Convert.FromHexString("E3FFF3"), out info));
        Assert.Equal(new AudioFacts("MP3", 8000, 2, "Other"), info);

        // Enhanced RTMP: Opus with an OpusHead, AAC by mp4a.
        var opusHead = "4F707573486561640102380180BB0000000000";
        Assert.True(AudioCodecInfo.TryParse(Convert.FromHexString("904F707573" + opusHead), out info));
        Assert.Equal(new AudioFacts("Opus", 48000, 2, "Other"), info);
        Assert.False(AudioCodecInfo.TryParse(Convert.FromHexString("904F707573" + opusHead[..20]), out _));
        Assert.True(AudioCodecInfo.TryParse(Convert.FromHexString("906D7034611210"), out info));
        Assert.Equal(new AudioFacts("AAC", 44100, 2, "LC"), info);

        Assert.False(AudioCodecInfo.TryParse(Convert.FromHexString("B200"), out _)); // Speex
        Assert.False(AudioCodecInfo.TryParse([], out _));
    }

    [Fact]
    public void Truncated_and_random_input_never_throws()
    {
        foreach (var hex in new[] { X264High640x360, X264High422At1280x720, X265Main1280x720, X265Main10At1920x1080 })
        {
            var full = Convert.FromHexString(hex);
            for (var length = 0; length < full.Length; length++)
            {
                AvcConfig.TryParse(full.AsSpan(0, length), out _);
                HevcConfig.TryParse(full.AsSpan(0, length), out _);
            }
        }

        var random = new Random(1234);
        var buffer = new byte[64];
        for (var i = 0; i < 20_000; i++)
        {
            var data = buffer.AsSpan(0, random.Next(buffer.Length));
            random.NextBytes(data);
            if (i % 2 == 0 && data.Length > 0)
            {
                data[0] = (byte)(i % 4 == 0 ? 0x17 : 0x90); // get past the first checks more often
            }

            VideoCodecInfo.TryParse(data, out _);
            AudioCodecInfo.TryParse(data, out _);
            AvcConfig.TryParseSps(data, out _);
            HevcConfig.TryParseSpsSize(data, out _, out _);
            AacConfig.TryParse(data, out _);
        }
    }

    /// <summary>Writes H.264 SPS NAL units with chosen fields (High profile, level 4), including
    /// emulation prevention.</summary>
    private sealed class SpsBuilder
    {
        public uint ChromaFormatIdc { get; init; } = 1;
        public bool ScalingLists { get; init; }
        public uint PocType { get; init; }
        public bool FrameMbsOnly { get; init; } = true;
        public uint WidthInMbs { get; init; }
        public uint HeightInMapUnits { get; init; }
        public (uint Left, uint Right, uint Top, uint Bottom)? Crop { get; init; }

        private readonly List<bool> _bits = [];

        public byte[] Build()
        {
            Bits(0x67, 8); // NAL header: nal_ref_idc 3, type 7
            Bits(100, 8);
            Bits(0, 8);
            Bits(40, 8);
            Ue(0); // seq_parameter_set_id
            Ue(ChromaFormatIdc);
            if (ChromaFormatIdc == 3)
            {
                Bits(0, 1);
            }

            Ue(0); // bit depths
            Ue(0);
            Bits(0, 1);
            Bits(ScalingLists ? 1u : 0, 1);
            if (ScalingLists)
            {
                // List 0: a delta that makes nextScale 0 ends the list early.
                Bits(1, 1);
                Se(-8);

                // List 1: sixteen explicit deltas.
                Bits(1, 1);
                for (var i = 0; i < 16; i++)
                {
                    Se(i % 2 == 0 ? 3 : -2);
                }

                for (var i = 2; i < 6; i++)
                {
                    Bits(0, 1);
                }

                // List 6 (8x8): sixty-four deltas.
                Bits(1, 1);
                for (var i = 0; i < 64; i++)
                {
                    Se(1);
                }

                Bits(0, 1);
            }

            Ue(0); // log2_max_frame_num_minus4
            Ue(PocType);
            if (PocType == 0)
            {
                Ue(2);
            }
            else
            {
                Bits(0, 1);
                Se(-1);
                Se(2);
                Ue(2);
                Se(1);
                Se(-3);
            }

            Ue(4); // max_num_ref_frames
            Bits(0, 1);
            Ue(WidthInMbs - 1);
            Ue(HeightInMapUnits - 1);
            Bits(FrameMbsOnly ? 1u : 0, 1);
            if (!FrameMbsOnly)
            {
                Bits(0, 1);
            }

            Bits(1, 1); // direct_8x8_inference_flag
            Bits(Crop is null ? 0u : 1, 1);
            if (Crop is { } c)
            {
                Ue(c.Left);
                Ue(c.Right);
                Ue(c.Top);
                Ue(c.Bottom);
            }

            Bits(0, 1); // vui_parameters_present_flag
            Bits(1, 1); // rbsp trailing bits
            while (_bits.Count % 8 != 0)
            {
                _bits.Add(false);
            }

            var raw = new List<byte>();
            for (var i = 0; i < _bits.Count; i += 8)
            {
                var b = 0;
                for (var j = 0; j < 8; j++)
                {
                    b = b << 1 | (_bits[i + j] ? 1 : 0);
                }

                raw.Add((byte)b);
            }

            // Emulation prevention: 0x03 after two zeros when the next byte is 0..3.
            var nal = new List<byte>();
            var zeros = 0;
            foreach (var b in raw)
            {
                if (zeros >= 2 && b <= 3)
                {
                    nal.Add(3);
                    zeros = 0;
                }

                nal.Add(b);
                zeros = b == 0 ? zeros + 1 : 0;
            }

            return [.. nal];
        }

        private void Bits(uint value, int count)
        {
            for (var i = count - 1; i >= 0; i--)
            {
                _bits.Add(((value >> i) & 1) != 0);
            }
        }

        private void Ue(uint value)
        {
            var v = value + 1UL;
            var length = 64 - System.Numerics.BitOperations.LeadingZeroCount(v);
            Bits(0, length - 1);
            for (var i = length - 1; i >= 0; i--)
            {
                _bits.Add(((v >> i) & 1) != 0);
            }
        }

        private void Se(int value) => Ue(value > 0 ? (uint)(2 * value - 1) : (uint)(-2 * value));
    }
}
