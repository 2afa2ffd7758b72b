using OrleansLive.Media.Rtp.Sdp;

namespace OrleansLive.UnitTests.Rtc.Sdp;

public sealed class CodecSelectorTests
{
    private static Codec H264(int pt, string? profile, int? mode) =>
        new(pt, "H264", 90000, fmtpLine: string.Join(';', new[] { profile is null ? null : $"profile-level-id={profile}", mode is null ? null : $"packetization-mode={mode}" }.Where(p => p is not null)) is { Length: > 0 } f ? f : null);

    [Theory]
    [InlineData("42e01f", H264Profile.ConstrainedBaseline)]
    [InlineData("42c01f", H264Profile.ConstrainedBaseline)]
    [InlineData("4d801f", H264Profile.ConstrainedBaseline)]
    [InlineData("42001f", H264Profile.Baseline)]
    [InlineData("42800a", H264Profile.Baseline)]
    [InlineData("4d001f", H264Profile.Main)]
    [InlineData("4d0032", H264Profile.Main)]
    [InlineData("64001f", H264Profile.High)]
    [InlineData("640c1f", H264Profile.ConstrainedHigh)]
    [InlineData("f4001f", H264Profile.PredictiveHigh444)]
    public void Profiles_are_classified_by_profile_idc_and_constraint_flags(string text, H264Profile profile)
    {
        Assert.True(H264ProfileLevelId.TryParse(text, out var id));
        Assert.Equal(profile, id.Profile);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("42e01")]
    [InlineData("42e01fff")]
    [InlineData("zze01f")]
    public void Malformed_profile_level_ids_do_not_parse(string? text) => Assert.False(H264ProfileLevelId.TryParse(text, out _));

    [Fact]
    public void Prefers_packetization_mode_1_in_profile_order_ignoring_the_level()
    {
        Codec[] offered = [H264(1, "42e01f", 0), H264(2, "4d0032", 1), H264(3, "42e034", 1), H264(4, "640c1f", 1)];
        Assert.Equal(3, CodecSelector.FindH264(offered)!.PayloadType);
        Assert.Equal(2, CodecSelector.FindH264(offered, ["4d001f"])!.PayloadType);
        Assert.Equal(4, CodecSelector.FindH264(offered, ["640c1f", "42e01f"])!.PayloadType);
    }

    [Fact]
    public void Falls_back_to_any_mode_1_then_any_h264()
    {
        Codec[] high444 = [H264(1, "42e01f", 0), H264(2, "f4001f", 1)];
        Assert.Equal(2, CodecSelector.FindH264(high444)!.PayloadType);
        Codec[] mode0 = [new Codec(7, "VP8", 90000), H264(1, "42e01f", 0)];
        Assert.Equal(1, CodecSelector.FindH264(mode0)!.PayloadType);
        Assert.Null(CodecSelector.FindH264([new Codec(7, "VP8", 90000)]));
    }

    [Fact]
    public void A_missing_profile_level_id_means_baseline()
    {
        Codec[] offered = [H264(1, null, 1), H264(2, "4d001f", 1)];
        Assert.Equal(1, CodecSelector.FindH264(offered, ["42001f"])!.PayloadType);
        Assert.Equal(H264ProfileLevelId.Default, H264ProfileLevelId.Of(offered[0]));
        Assert.Equal(2, CodecSelector.FindH264(offered, ["4d001f"])!.PayloadType);
    }

    [Fact]
    public void Chooses_from_the_browser_offers()
    {
        var chrome = SdpOffers.Parse("chrome-whip").Media;
        var video = chrome[1].Codecs;
        var h264 = CodecSelector.Choose(video, "H264")!;
        Assert.Equal(106, h264.PayloadType); // 42e01f with packetization-mode=1
        Assert.Equal(107, CodecSelector.FindRtx(video, h264.PayloadType)!.PayloadType);
        Assert.Equal(98, CodecSelector.Choose(video, "vp9")!.PayloadType); // profile-id=0 before 2
        Assert.Equal(96, CodecSelector.Choose(video, "VP8")!.PayloadType);
        Assert.Null(CodecSelector.Choose(video, "AV1"));
        Assert.Equal(111, CodecSelector.FindOpus(chrome[0].Codecs)!.PayloadType);
        Assert.Null(CodecSelector.FindRtx(chrome[0].Codecs, 111));

        var firefox = SdpOffers.Parse("firefox-whip").Media[1].Codecs;
        Assert.Equal(126, CodecSelector.FindH264(firefox)!.PayloadType); // 97 has no packetization-mode
        Assert.Equal(127, CodecSelector.FindRtx(firefox, 126)!.PayloadType);

        var only = SdpOffers.Parse("video-only").Media[0].Codecs;
        Assert.Equal(100, CodecSelector.Choose(only, "h265")!.PayloadType);
        Assert.Equal(102, CodecSelector.Choose(only, "AV1")!.PayloadType);
        Assert.Equal(101, CodecSelector.FindRtx(only, 100)!.PayloadType);
    }

    [Fact]
    public void Opus_wants_48k_stereo()
    {
        Codec[] offered = [new(100, "opus", 16000), new(101, "OPUS", 48000, 2)];
        Assert.Equal(101, CodecSelector.FindOpus(offered)!.PayloadType);
        Assert.Equal(100, CodecSelector.FindOpus([offered[0]])!.PayloadType);
    }
}
