using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.Media.Codecs;
using OrleansLive.UnitTests.Rtc.Sdp;

namespace OrleansLive.UnitTests.Rtc.Gateway;

/// <summary>What the gateway keeps of an offer: H.264/H.265/VP8/VP9/AV1 and Opus tracks, the peer's ICE and DTLS identity, our candidates.</summary>
public sealed class RtcNegotiationTests
{
    private const string Fingerprint = "sha-256 9A:3B:7C:11:42:E5:0D:6F:88:21:C4:B9:5E:03:77:AA:10:FE:2D:63:94:CB:08:5A:E1:37:4F:D2:69:B0:1C:85";

    private static readonly RtcCandidate[] Candidates = [new("192.0.2.10", 8000, "udp"), new("192.0.2.10", 8000, "tcp")];

    private static RtcNegotiation Negotiate(string offer, bool publish, VideoCodecId streamCodec = VideoCodecId.Unknown) =>
        NegotiateText(SdpOffers.Text(offer), publish, streamCodec);

    private static RtcNegotiation NegotiateText(string offer, bool publish, VideoCodecId streamCodec = VideoCodecId.Unknown)
    {
        Assert.True(RtcNegotiation.TryNegotiate(offer, publish, Fingerprint, Candidates, streamCodec, out var negotiation, out var error), error);
        return negotiation;
    }

    [Fact]
    public void A_chrome_whip_offer_keeps_h264_and_opus_and_answers_with_our_identity()
    {
        var n = Negotiate("chrome-whip", publish: true);
        Assert.Equal(VideoCodecId.H264, n.Video!.VideoCodec);
        Assert.Equal(90000, n.Video.ClockRate);
        Assert.Equal(48000, n.Audio!.ClockRate);
        Assert.NotEqual(0, n.Video.TransportCcId);
        Assert.StartsWith("sha-256 ", n.RemoteFingerprint);
        Assert.Contains("a=ice-lite", n.AnswerSdp);
        Assert.Contains("a=setup:passive", n.AnswerSdp);
        Assert.Contains("a=fingerprint:sha-256 9A:3B", n.AnswerSdp);
        Assert.Contains($"a=ice-ufrag:{n.LocalUfrag}", n.AnswerSdp);
        Assert.Contains("a=candidate:", n.AnswerSdp);
        Assert.Contains(" tcp ", n.AnswerSdp);
        Assert.Contains("a=recvonly", n.AnswerSdp);
    }

    [Fact]
    public void A_whep_offer_gets_our_ssrcs_and_sendonly()
    {
        var n = Negotiate("chrome-whep", publish: false);
        Assert.Contains("a=sendonly", n.AnswerSdp);
        Assert.Contains($"a=ssrc:{n.Video!.LocalSsrc} ", n.AnswerSdp);
        Assert.Contains($"a=ssrc:{n.Audio!.LocalSsrc} ", n.AnswerSdp);
    }

    [Fact]
    public void Obs_and_firefox_style_offers_negotiate()
    {
        Assert.NotNull(Negotiate("obs-whip", publish: true).Video);
        Assert.NotNull(Negotiate("firefox-whip", publish: true).Audio);
        var audioOnly = Negotiate("audio-only", publish: true);
        Assert.Null(audioOnly.Video);
        Assert.NotNull(audioOnly.Audio);
    }

    [Fact]
    public void An_h265_offer_gets_h265()
    {
        var n = Negotiate("video-only", publish: true);
        Assert.Equal(VideoCodecId.H265, n.Video!.VideoCodec);
        Assert.Null(n.Audio);
    }

    [Fact]
    public void A_vp8_only_whip_offer_gets_vp8()
    {
        var n = Negotiate("chrome-whip-vp8", publish: true);
        Assert.Equal(VideoCodecId.Vp8, n.Video!.VideoCodec);
        Assert.Equal(96, n.Video.PayloadType);
        Assert.Equal(90000, n.Video.ClockRate);
        Assert.Contains("a=rtpmap:96 VP8/90000", n.AnswerSdp);
        Assert.NotNull(n.Audio);
    }

    [Fact]
    public void A_whip_offer_with_every_codec_still_gets_h264()
    {
        Assert.Equal(VideoCodecId.H264, Negotiate("chrome-whip", publish: true).Video!.VideoCodec);
    }

    [Fact]
    public void A_whip_offer_without_h264_gets_vp8_then_vp9_then_av1()
    {
        // Chrome's offer lists AV1 too; as a sending one, without H.264.
        var offer = SdpOffers.Text("chrome-whep").Replace("a=recvonly", "a=sendonly", StringComparison.Ordinal).Replace(" H264/", " XX64/", StringComparison.Ordinal);
        Assert.Equal(VideoCodecId.Vp8, NegotiateText(offer, publish: true).Video!.VideoCodec);
        offer = offer.Replace(" VP8/", " XX8/", StringComparison.Ordinal);
        Assert.Equal(VideoCodecId.Vp9, NegotiateText(offer, publish: true).Video!.VideoCodec);
        offer = offer.Replace(" VP9/", " XX9/", StringComparison.Ordinal);
        var av1 = NegotiateText(offer, publish: true);
        Assert.Equal(VideoCodecId.Av1, av1.Video!.VideoCodec);
        Assert.Contains($"a=rtpmap:{av1.Video.PayloadType} AV1/90000", av1.AnswerSdp);
        Assert.Contains($"a=rtcp-fb:{av1.Video.PayloadType} nack pli", av1.AnswerSdp);
    }

    [Theory]
    [InlineData(VideoCodecId.Vp8, "VP8")]
    [InlineData(VideoCodecId.Vp9, "VP9")]
    [InlineData(VideoCodecId.Av1, "AV1")]
    [InlineData(VideoCodecId.H264, "H264")]
    [InlineData(VideoCodecId.Unknown, "H264")]
    public void A_whep_player_gets_the_streams_codec(VideoCodecId stream, string expected)
    {
        var n = Negotiate("chrome-whep", publish: false, stream);
        Assert.Contains($"a=rtpmap:{n.Video!.PayloadType} {expected}/90000", n.AnswerSdp);
        Assert.Equal(stream == VideoCodecId.Unknown ? VideoCodecId.H264 : stream, n.Video.VideoCodec);
    }

    [Theory]
    [InlineData(VideoCodecId.Vp8, " VP8/", "VP8")]
    [InlineData(VideoCodecId.Av1, " AV1/", "AV1")]
    [InlineData(VideoCodecId.H264, " H264/", "H264")]
    public void A_whep_player_whose_offer_lacks_the_streams_codec_is_refused_with_the_reason(VideoCodecId stream, string rtpmap, string name)
    {
        var offer = SdpOffers.Text("chrome-whep").Replace(rtpmap, " XX/", StringComparison.Ordinal);
        Assert.False(RtcNegotiation.TryNegotiate(offer, false, Fingerprint, Candidates, stream, out _, out var error));
        Assert.StartsWith($"the stream's video is {name}, which the offer does not take (it offers ", error);
    }

    [Fact]
    public void An_audio_only_whep_offer_of_a_video_stream_gets_the_audio()
    {
        var whep = SdpOffers.Text("chrome-whep");
        var offer = whep[..whep.IndexOf("m=video", StringComparison.Ordinal)].Replace("BUNDLE 0 1", "BUNDLE 0", StringComparison.Ordinal);
        var audioOnly = NegotiateText(offer, publish: false, VideoCodecId.Vp8);
        Assert.Null(audioOnly.Video);
        Assert.NotNull(audioOnly.Audio);
    }

    [Theory]
    [InlineData("")]
    [InlineData("v=0\r\n")]
    [InlineData("garbage")]
    public void Offers_without_usable_media_are_refused_with_a_reason(string sdp)
    {
        Assert.False(RtcNegotiation.TryNegotiate(sdp, true, Fingerprint, Candidates, VideoCodecId.Unknown, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void Only_non_reference_pictures_count_as_disposable_b_frames()
    {
        var config = RtpVideoConfigFor(VideoCodecId.H264);
        byte[] nonReference = [0, 0, 0, 2, 0x01, 0x9E];   // nal_ref_idc 0, slice
        byte[] reference = [0, 0, 0, 2, 0x41, 0x9A];      // nal_ref_idc 2, slice
        byte[] sei = [0, 0, 0, 2, 0x06, 0x05];
        Assert.True(RtcPlayer.IsDisposable([.. sei, .. nonReference], config));
        Assert.False(RtcPlayer.IsDisposable([.. nonReference, .. reference], config));
        Assert.False(RtcPlayer.IsDisposable(sei, config));
    }

    private static GatewayEdge.Streams.RtpVideoConfig RtpVideoConfigFor(VideoCodecId codec)
    {
        // A real avcC (x264, 640x360) in a sequence header frame, as the hub holds it.
        byte[] avcc = [0x01, 0x64, 0x00, 0x1E, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1E, 0x01, 0x00, 0x04, 0x68, 0xEB, 0xE3, 0xCB];
        byte[] tag = [0x17, 0x00, 0x00, 0x00, 0x00, .. avcc];
        var frame = GatewayEdge.Streams.MediaFrame.Copy(GatewayEdge.Streams.FrameTypes.Video, 0, tag);
        try
        {
            var config = GatewayEdge.Streams.RtpVideoConfig.Of(frame);
            Assert.NotNull(config);
            Assert.Equal(codec, config.Codec);
            return config;
        }
        finally
        {
            frame.Release();
        }
    }
}
