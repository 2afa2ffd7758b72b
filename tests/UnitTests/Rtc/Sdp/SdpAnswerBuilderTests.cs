using OrleansLive.Media.Rtp.Sdp;

namespace OrleansLive.UnitTests.Rtc.Sdp;

public sealed class SdpAnswerBuilderTests
{
    private const string Fingerprint = "9A:3B:7C:11:42:E5:0D:6F:88:21:C4:B9:5E:03:77:AA:10:FE:2D:63:94:CB:08:5A:E1:37:4F:D2:69:B0:1C:85";

    private static readonly SdpIceCandidate[] Candidates =
    [
        new("203.0.113.10", 8000),
        new("2001:db8::10", 8000),
        new("203.0.113.10", 8443, "tcp"),
    ];

    private static SdpAnswerOptions Options(AnswerRole role, IReadOnlyList<SdpSendTrack>? tracks = null) => new()
    {
        IceUfrag = "gw5f",
        IcePwd = "gatewaypassword0123456789",
        Fingerprint = Fingerprint,
        Role = role,
        Candidates = Candidates,
        SendTracks = tracks ?? [],
        SessionId = 4242,
    };

    private static (SdpAnswer Answer, SessionDescription Parsed) Answer(string offerName, SdpAnswerOptions options)
    {
        var offer = SdpOffers.Parse(offerName);
        Assert.True(SdpAnswerBuilder.TryBuild(offer, options, out var answer, out var error), error);
        Assert.True(SessionDescription.TryParse(answer.Sdp, out var parsed, out error), error);
        Assert.DoesNotContain("\n", answer.Sdp.Replace("\r\n", string.Empty, StringComparison.Ordinal));
        return (answer, parsed);
    }

    private static void AssertTransport(MediaDescription media, DtlsSetup setup = DtlsSetup.Passive)
    {
        Assert.Equal(9, media.Port);
        Assert.Equal("gw5f", media.IceUfrag);
        Assert.Equal("gatewaypassword0123456789", media.IcePwd);
        Assert.Equal(new SdpFingerprint("sha-256", Fingerprint), media.Fingerprint);
        Assert.Equal(setup, media.Setup);
        Assert.True(media.RtcpMux);
        Assert.Equal(3, media.Candidates.Count);
        Assert.True(media.EndOfCandidates);
        Assert.EndsWith("tcptype passive", media.Candidates[2]);
        Assert.Contains("udp", media.Candidates[0]);
    }

    [Fact]
    public void Answers_a_chrome_whip_offer_recvonly()
    {
        var (answer, parsed) = Answer("chrome-whip", Options(AnswerRole.Receive));
        Assert.True(parsed.IceLite);
        Assert.Equal(["0", "1"], parsed.BundleMids);
        Assert.Equal(["0", "1"], answer.BundleMids);
        Assert.Equal("- 4242 2 IN IP4 127.0.0.1", parsed.Origin);
        Assert.True(parsed.HasAttribute("extmap-allow-mixed"));
        Assert.Equal(("Qk9z", "Z3xq9V8cT2rP7nL5mK4jH1gF"), (answer.RemoteIceUfrag, answer.RemoteIcePwd));
        Assert.Equal(DtlsSetup.Passive, answer.LocalSetup);
        Assert.False(answer.DtlsClient);

        var audio = parsed.Media[0];
        AssertTransport(audio);
        Assert.Equal(("0", MediaDirection.RecvOnly), (audio.Mid, audio.Direction));
        Assert.Equal([111], audio.PayloadTypes);
        var opus = Assert.Single(audio.Codecs);
        Assert.Equal(("opus", 48000, 2, "minptime=10;useinbandfec=1"), (opus.Name, opus.ClockRate, opus.Channels, opus.FmtpLine));
        Assert.Equal(["transport-cc"], opus.RtcpFeedback);
        Assert.Equal([2, 3, 4], audio.Extmaps.Select(e => e.Id)); // abs-send-time, transport-cc, mid; not audio-level
        Assert.False(audio.RtcpRsize);
        Assert.Empty(audio.Ssrcs);

        var video = parsed.Media[1];
        AssertTransport(video);
        Assert.Equal(MediaDirection.RecvOnly, video.Direction);
        Assert.Equal([106, 107], video.PayloadTypes);
        var h264 = video.CodecFor(106)!;
        Assert.Equal("level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f", h264.FmtpLine);
        Assert.Equal(["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"], h264.RtcpFeedback);
        Assert.Equal(106, video.CodecFor(107)!.AssociatedPayloadType);
        Assert.True(video.RtcpRsize);
        Assert.Equal([(2, SdpExtensionUris.AbsSendTime), (3, SdpExtensionUris.TransportWideCc), (4, SdpExtensionUris.SdesMid)],
            video.Extmaps.Select(e => (e.Id, e.Uri)));

        var answered = answer.Media[1];
        Assert.True(answered.Accepted);
        Assert.Equal((106, 107), (answered.Codec!.PayloadType, answered.Rtx!.PayloadType));
        Assert.Equal(1742331513u, answered.Offer.Ssrcs[0].Ssrc);
    }

    [Fact]
    public void Answers_a_chrome_whep_offer_sendonly_with_our_sources()
    {
        SdpSendTrack[] tracks =
        [
            new(MediaKind.Video, 0x11111111, "gateway", "live-stream", "video0", 0x22222222),
            new(MediaKind.Audio, 0x33333333, "gateway", "live-stream", "audio0"),
        ];
        var (answer, parsed) = Answer("chrome-whep", Options(AnswerRole.Send, tracks));
        Assert.Equal(["0", "1"], parsed.BundleMids);
        Assert.Contains("WMS live-stream", parsed.MsidSemantic);

        var audio = parsed.Media[0];
        AssertTransport(audio);
        Assert.Equal(MediaDirection.SendOnly, audio.Direction);
        Assert.Equal("live-stream audio0", audio.Msid);
        var audioSource = Assert.Single(audio.Ssrcs);
        Assert.Equal(new SdpSsrc(0x33333333, "gateway", "live-stream audio0"), audioSource);
        Assert.Empty(audio.SsrcGroups);

        var video = parsed.Media[1];
        Assert.Equal(MediaDirection.SendOnly, video.Direction);
        Assert.Equal([106, 107], video.PayloadTypes);
        Assert.Equal("live-stream video0", video.Msid);
        Assert.Equal(0x22222222u, video.RtxSsrcFor(0x11111111));
        Assert.Equal(["gateway", "gateway"], video.Ssrcs.Select(s => s.Cname));
        Assert.Same(tracks[0], answer.Media[1].Track);
    }

    [Fact]
    public void A_whep_line_without_a_track_of_its_kind_is_rejected()
    {
        SdpSendTrack[] videoOnly = [new(MediaKind.Video, 7, "c", "s", "v")];
        var (answer, parsed) = Answer("chrome-whep", Options(AnswerRole.Send, videoOnly));
        Assert.Equal(["1"], parsed.BundleMids);
        Assert.Equal(0, parsed.Media[0].Port);
        Assert.Equal("0", parsed.Media[0].Mid);
        Assert.Equal(MediaDirection.Inactive, parsed.Media[0].Direction);
        Assert.Contains("no audio track", answer.Media[0].RejectReason);
        Assert.Equal(9, parsed.Media[1].Port);
    }

    [Fact]
    public void Answers_firefox_with_session_level_credentials()
    {
        var (answer, parsed) = Answer("firefox-whip", Options(AnswerRole.Receive));
        Assert.Equal(("5e1f9a2b", "8f2a9c1d7e3b5f604a1c2d3e4f5a6b7c"), (answer.RemoteIceUfrag, answer.RemoteIcePwd));
        Assert.StartsWith("A1:B2", answer.RemoteFingerprint.Value);
        Assert.Equal([109], parsed.Media[0].PayloadTypes);
        Assert.Equal([126, 127], parsed.Media[1].PayloadTypes);
        Assert.Equal([3], parsed.Media[0].Extmaps.Select(e => e.Id));
        Assert.Equal([3, 4, 7], parsed.Media[1].Extmaps.Select(e => e.Id));
        Assert.All(parsed.Media, m => AssertTransport(m));
    }

    [Fact]
    public void Answers_obs_with_lower_case_names_and_no_candidates()
    {
        var (answer, parsed) = Answer("obs-whip", Options(AnswerRole.Receive));
        Assert.Equal(["0", "1"], parsed.BundleMids);
        var video = parsed.Media[1];
        Assert.Equal([96], video.PayloadTypes);
        Assert.Equal("h264", video.Codecs[0].Name);
        Assert.Equal(["nack", "nack pli", "goog-remb"], video.Codecs[0].RtcpFeedback);
        Assert.Null(answer.Media[1].Rtx);
        Assert.Empty(video.Extmaps);
        Assert.Equal("stereo=1", parsed.Media[0].Codecs[0].FmtpLine!.Split(';')[2]);
    }

    [Fact]
    public void A_passive_offer_makes_the_gateway_the_dtls_client()
    {
        var (answer, parsed) = Answer("audio-only", Options(AnswerRole.Receive));
        Assert.Equal(DtlsSetup.Active, answer.LocalSetup);
        Assert.True(answer.DtlsClient);
        var audio = Assert.Single(parsed.Media);
        AssertTransport(audio, DtlsSetup.Active);
        Assert.Equal("OPUS", audio.Codecs[0].Name);
        Assert.Equal(["a"], parsed.BundleMids);
    }

    [Fact]
    public void Video_preferences_pick_h265_before_av1_and_rtcp_fb_wildcards_are_answered_per_payload_type()
    {
        var (answer, parsed) = Answer("video-only", Options(AnswerRole.Receive));
        var video = Assert.Single(parsed.Media);
        Assert.Equal([100, 101], video.PayloadTypes);
        Assert.Equal("H265", video.Codecs[0].Name);
        Assert.Equal(["nack", "nack pli"], video.Codecs[0].RtcpFeedback);
        Assert.Contains("a=rtcp-fb:100 nack pli\r\n", answer.Sdp);

        var (second, _) = Answer("video-only", Options(AnswerRole.Receive) with { VideoCodecs = [Codec.Av1], AcceptRtx = false, Candidates = [] });
        Assert.Equal(102, second.Media[0].Codec!.PayloadType);
        Assert.DoesNotContain("a=candidate", second.Sdp);
        Assert.DoesNotContain("end-of-candidates", second.Sdp);
    }

    [Fact]
    public void Unsupported_and_unbundled_sections_keep_their_place_with_port_zero()
    {
        var text = SdpOffers.Text("chrome-whip").Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2", StringComparison.Ordinal)
            + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=sctp-port:5000\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:3\r\na=sendonly\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n";
        Assert.True(SessionDescription.TryParse(text, out var offer, out _));
        Assert.True(SdpAnswerBuilder.TryBuild(offer, Options(AnswerRole.Receive), out var answer, out var error), error);
        Assert.True(SessionDescription.TryParse(answer.Sdp, out var parsed, out _));
        Assert.Equal(["0", "1", "2", "3"], parsed.Media.Select(m => m.Mid));
        Assert.Equal([9, 9, 0, 0], parsed.Media.Select(m => m.Port));
        Assert.Equal(["webrtc-datachannel"], parsed.Media[2].Formats);
        Assert.Equal("UDP/DTLS/SCTP", parsed.Media[2].Proto);
        Assert.Equal(["0", "1"], parsed.BundleMids);
        Assert.Contains("BUNDLE", answer.Media[3].RejectReason);
    }

    [Fact]
    public void A_video_line_with_no_acceptable_codec_is_rejected_and_audio_still_flows()
    {
        var (answer, parsed) = Answer("chrome-whip", Options(AnswerRole.Receive) with { VideoCodecs = [Codec.Av1] });
        Assert.Equal(0, parsed.Media[1].Port);
        Assert.Equal(["0"], parsed.BundleMids);
        Assert.Equal("no acceptable codec", answer.Media[1].RejectReason);
    }

    [Fact]
    public void A_codec_selector_overrides_the_preference_lists()
    {
        var custom = Options(AnswerRole.Receive) with { SelectCodec = m => m.Kind == MediaKind.Video ? m.CodecFor(96) : m.CodecFor(0) };
        var (answer, _) = Answer("chrome-whip", custom);
        Assert.Equal([0, 96], answer.Media.Select(m => m.Codec!.PayloadType));
        Assert.Equal(97, answer.Media[1].Rtx!.PayloadType);
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-ufrag:abcd\r\n", "no media sections" },
        { "v=0\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n", "can be bundled" },
        { "v=0\r\na=group:BUNDLE 0\r\nm=audio 0 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n", "can be bundled" },
        { "v=0\r\na=group:BUNDLE 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n", "can be bundled" },
        { Offer(ufrag: false), "no a=ice-ufrag" },
        { Offer(pwd: false), "no a=ice-pwd" },
        { Offer(fingerprint: false), "no a=fingerprint" },
        { Offer(mux: false), "lacks a=rtcp-mux" },
        { Offer(codec: "speex/16000"), "no acceptable codec: the offer has audio [speex]" },
        { Offer(direction: "recvonly"), "sends anything" },
        { Offer(setup: "holdconn"), "holdconn" },
    };

    private static string Offer(bool ufrag = true, bool pwd = true, bool fingerprint = true, bool mux = true, string codec = "opus/48000/2", string direction = "sendonly", string setup = "actpass") =>
        "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n"
        + (ufrag ? "a=ice-ufrag:abcd\r\n" : string.Empty)
        + (pwd ? "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n" : string.Empty)
        + (fingerprint ? "a=fingerprint:sha-256 00:11:22:33\r\n" : string.Empty)
        + $"a=setup:{setup}\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na={direction}\r\n"
        + (mux ? "a=rtcp-mux\r\n" : string.Empty)
        + $"a=rtpmap:111 {codec}\r\n";

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Refuses_offers_it_cannot_serve_with_a_clear_reason(string text, string reason)
    {
        Assert.True(SessionDescription.TryParse(text, out var offer, out var parseError), parseError);
        Assert.False(SdpAnswerBuilder.TryBuild(offer, Options(AnswerRole.Receive), out var answer, out var error));
        Assert.Null(answer);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void A_whep_offer_cannot_be_answered_as_a_receiver_and_vice_versa()
    {
        Assert.False(SdpAnswerBuilder.TryBuild(SdpOffers.Parse("chrome-whep"), Options(AnswerRole.Receive), out _, out var error));
        Assert.Contains("sends anything", error);
        Assert.False(SdpAnswerBuilder.TryBuild(SdpOffers.Parse("chrome-whip"), Options(AnswerRole.Send, [new(MediaKind.Video, 1, "c", "s", "v")]), out _, out error));
        Assert.Contains("can receive", error);
    }

    [Fact]
    public void Candidate_priorities_put_udp_first_and_follow_rfc_8445()
    {
        var udp = SdpAnswerBuilder.CandidateLine(new SdpIceCandidate("192.0.2.1", 8000), 0);
        var tcp = SdpAnswerBuilder.CandidateLine(new SdpIceCandidate("192.0.2.1", 8443, "TCP"), 1);
        Assert.Equal("1 1 udp 2130706431 192.0.2.1 8000 typ host", udp);
        Assert.Equal("2 1 tcp 2122317567 192.0.2.1 8443 typ host tcptype passive", tcp);
    }
}
