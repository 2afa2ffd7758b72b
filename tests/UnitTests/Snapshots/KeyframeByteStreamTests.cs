using OrleansLive.Media.Codecs;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Snapshots;

public sealed class KeyframeByteStreamTests
{
    private static readonly byte[] StartCode = [0, 0, 0, 1];

    [Fact]
    public void An_avc_keyframe_follows_the_sps_and_pps_of_its_record_behind_start_codes()
    {
        Assert.True(VideoDecoderConfig.TryParse(VideoCodecId.H264, Hex(AvcRecord), out var config));
        var keyframe = Hex(AvcFrames[0].Nalus);

        var stream = KeyframeByteStream.Build(config, keyframe);

        byte[] expected = [.. StartCode, .. Hex(AvcSps), .. StartCode, .. Hex(AvcPps), .. StartCode, .. keyframe[4..]];
        Assert.Equal(expected, stream);
    }

    [Fact]
    public void A_hevc_keyframe_follows_the_vps_sps_and_pps_of_its_record()
    {
        Assert.True(VideoDecoderConfig.TryParse(VideoCodecId.H265, Hex(HevcRecord), out var config));
        var keyframe = Hex(HevcFrames[0].Nalus);

        var stream = KeyframeByteStream.Build(config, keyframe);

        var nals = new List<byte[]>();
        foreach (var nal in AnnexB.Split(stream))
        {
            nals.Add(nal.ToArray());
        }
        Assert.Equal([32, 33, 34, 20], nals.Select(n => (n[0] >> 1) & 0x3F));
        Assert.Equal(keyframe[4..], nals[^1]);
    }

    [Fact]
    public void A_frame_whose_first_length_runs_past_its_end_gives_nothing_to_decode()
    {
        Assert.True(VideoDecoderConfig.TryParse(VideoCodecId.H264, Hex(AvcRecord), out var config));

        Assert.Empty(KeyframeByteStream.Build(config, [0, 0, 0, 40, 0x65, 1, 2]));
        Assert.Empty(KeyframeByteStream.Build(config, []));
    }
}
