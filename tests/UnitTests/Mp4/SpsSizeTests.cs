using OrleansLive.Media.Codecs;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Mp4;

/// <summary>The picture size the fMP4 track takes from the SPS of the decoder configuration.</summary>
public class SpsSizeTests
{
    [Theory]
    [InlineData(AvcSps, 64, 48)] // Main profile
    [InlineData("6742c028da01e0089f97011000000300100000030320f1832a", 1920, 1080)] // Baseline, cropped from 1088
    [InlineData("67640028acd940780227e5c044000003000400000300c83c60c658", 1920, 1080)] // High: chroma format, cropping
    public void Avc_sps_gives_the_cropped_picture_size(string sps, int width, int height)
    {
        Assert.True(AvcConfig.TryParseSps(Hex(sps), out var info));
        Assert.Equal((width, height), (info.Width, info.Height));
    }

    [Theory]
    [InlineData("42010101600000030090000003000003001ea02083165ba4a4c2f0168080000003008000000504a2", 64, 48)]
    [InlineData("420101016000000300900000030000030078a003c0801107cb965654a4c2f0168080000003008000000c84", 1920, 1080)]
    public void Hevc_sps_gives_the_conformance_window_size(string sps, int width, int height)
    {
        Assert.True(HevcConfig.TryParseSpsSize(Hex(sps), out var w, out var h));
        Assert.Equal((width, height), (w, h));
    }

    [Fact]
    public void Truncated_sps_is_rejected()
    {
        Assert.False(AvcConfig.TryParseSps(Hex(AvcSps)[..6], out _));
        Assert.False(HevcConfig.TryParseSpsSize([0x42, 0x01, 0x01], out _, out _));
    }
}
