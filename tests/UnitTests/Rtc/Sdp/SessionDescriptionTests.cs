using OrleansLive.Media.Rtp.Sdp;

namespace OrleansLive.UnitTests.Rtc.Sdp;

public sealed class SessionDescriptionTests
{
    [Fact]
    public void Reads_a_chrome_whip_offer()
    {
        var offer = SdpOffers.Parse("chrome-whip");
        Assert.Equal(["0", "1"], offer.BundleMids);
        Assert.Contains(" WMS", offer.MsidSemantic);
        Assert.True(offer.HasAttribute("extmap-allow-mixed"));
        Assert.Equal(2, offer.Media.Count);

        var audio = offer.Media[0];
        Assert.Equal(MediaKind.Audio, audio.Kind);
        Assert.Equal(9, audio.Port);
        Assert.Equal("UDP/TLS/RTP/SAVPF", audio.Proto);
        Assert.True(audio.IsSecureRtp);
        Assert.Equal([111, 63, 9, 0, 8, 13, 110, 126], audio.PayloadTypes);
        Assert.Equal("0", audio.Mid);
        Assert.Equal(MediaDirection.SendOnly, audio.Direction);
        Assert.Equal("Qk9z", audio.IceUfrag);
        Assert.Equal("Z3xq9V8cT2rP7nL5mK4jH1gF", audio.IcePwd);
        Assert.Equal("sha-256", audio.Fingerprint!.Algorithm);
        Assert.Equal(32, audio.Fingerprint.ToBytes()!.Length);
        Assert.Equal(DtlsSetup.ActPass, audio.Setup);
        Assert.True(audio.RtcpMux);
        Assert.False(audio.RtcpRsize);
        Assert.Equal(2, audio.Candidates.Count);
        Assert.StartsWith("1467250027 1 udp", audio.Candidates[0]);
        Assert.Equal(new SdpExtmap(3, SdpExtensionUris.TransportWideCc), audio.ExtmapFor(SdpExtensionUris.TransportWideCc));
        var opus = audio.CodecFor(111)!;
        Assert.Equal(("opus", 48000, 2), (opus.Name, opus.ClockRate, opus.Channels));
        Assert.Equal("1", opus.Fmtp["useinbandfec"]);
        Assert.Equal(["transport-cc"], opus.RtcpFeedback);
        Assert.Equal("PCMU", audio.CodecFor(0)!.Name);
        Assert.Equal("telephone-event", audio.CodecFor(110)!.Name);
        var ssrc = Assert.Single(audio.Ssrcs);
        Assert.Equal(2914736542u, ssrc.Ssrc);
        Assert.Equal("hV2l1Kx9bQp0sT3u", ssrc.Cname);
        Assert.Equal("3c9d8e4a-5b1f-4e2a-9d7c-1f2e3d4c5b6a 7f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", ssrc.Msid);
        Assert.Equal(ssrc.Msid, audio.Msid);

        var video = offer.Media[1];
        Assert.Equal(MediaKind.Video, video.Kind);
        Assert.True(video.RtcpRsize);
        Assert.Equal(20, video.PayloadTypes.Count);
        Assert.Equal(20, video.Codecs.Count);
        Assert.Equal(8, video.Extmaps.Count);
        var h264 = video.CodecFor(106)!;
        Assert.True(h264.Is("h264"));
        Assert.Equal("42e01f", h264.Fmtp["Profile-Level-Id"]);
        Assert.Equal(["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"], h264.RtcpFeedback);
        Assert.Equal(106, video.CodecFor(107)!.AssociatedPayloadType);
        Assert.Equal(2, video.Ssrcs.Count);
        var fid = Assert.Single(video.SsrcGroups);
        Assert.Equal("FID", fid.Semantics);
        Assert.Equal(3325817276u, video.RtxSsrcFor(1742331513));
        Assert.Empty(video.Candidates);
    }

    [Fact]
    public void Session_level_transport_attributes_apply_to_every_section()
    {
        var offer = SdpOffers.Parse("firefox-whip");
        Assert.NotNull(offer.Fingerprint);
        Assert.Null(offer.IceUfrag);
        foreach (var media in offer.Media)
        {
            Assert.Equal(offer.Fingerprint, media.Fingerprint);
            Assert.Equal("5e1f9a2b", media.IceUfrag);
            Assert.Equal(DtlsSetup.ActPass, media.Setup);
        }

        var obs = SdpOffers.Parse("obs-whip");
        Assert.Equal(["BUNDLE", "LS"], obs.Groups.Select(g => g.Semantics));
        Assert.Equal("EHTr", obs.IceUfrag);
        Assert.All(obs.Media, m => Assert.Equal(("EHTr", "2d8WvGk1bxf5pQj0Ls7nYe", DtlsSetup.ActPass), (m.IceUfrag, m.IcePwd, m.Setup)));
        Assert.All(obs.Media, m => Assert.Equal(obs.Fingerprint, m.Fingerprint));
        Assert.Null(obs.Media[1].Msid);
        Assert.Equal("h264", obs.Media[1].Codecs[0].Name);
    }

    [Fact]
    public void Firefox_extmap_directions_and_bare_fmtp_tokens_are_read()
    {
        var offer = SdpOffers.Parse("firefox-whip");
        var audio = offer.Media[0];
        Assert.Equal(new SdpExtmap(2, "urn:ietf:params:rtp-hdrext:csrc-audio-level", "recvonly"), audio.Extmaps[1]);
        Assert.True(audio.CodecFor(101)!.Fmtp.ContainsKey("0-15"));
        Assert.Equal(1, audio.CodecFor(9)!.Channels);
        var video = offer.Media[1];
        Assert.Equal(126, video.CodecFor(127)!.AssociatedPayloadType);
        Assert.Equal(4127853309u, video.RtxSsrcFor(2830745926));
    }

    [Fact]
    public void Wildcard_feedback_applies_to_every_payload_type_and_the_session_direction_is_the_default()
    {
        const string text = "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\na=recvonly\nm=video 9 UDP/TLS/RTP/SAVPF 96\na=rtpmap:96 VP8/90000\na=rtcp-fb:* nack\na=rtcp-fb:96 nack pli\nm=audio 9 RTP/AVP 0\na=sendrecv\n";
        Assert.True(SessionDescription.TryParse(text, out var offer, out var error), error);
        Assert.Equal(["nack", "nack pli"], offer.Media[0].Codecs[0].RtcpFeedback);
        Assert.Equal(MediaDirection.RecvOnly, offer.Media[0].Direction);
        Assert.Equal(MediaDirection.SendRecv, offer.Media[1].Direction);
        Assert.False(offer.Media[1].IsSecureRtp);
        Assert.Equal("PCMU", Assert.Single(offer.Media[1].Codecs).Name);
    }

    [Fact]
    public void Lf_and_crlf_read_the_same_and_unknown_lines_are_kept_or_ignored()
    {
        var crlf = SdpOffers.Text("chrome-whip");
        Assert.Contains("\r\n", crlf);
        var lf = crlf.Replace("\r\n", "\n", StringComparison.Ordinal);
        var odd = lf.Replace("a=mid:1\n", "a=mid:1\nx-not-sdp\nz=weird\na=x-custom:42\n\n", StringComparison.Ordinal);
        Assert.True(SessionDescription.TryParse(crlf, out var a, out _));
        Assert.True(SessionDescription.TryParse(odd, out var b, out var error), error);
        Assert.Equal(a.Media[1].Codecs.Select(c => c.ToString()), b.Media[1].Codecs.Select(c => c.ToString()));
        Assert.Equal(a.Media[1].Mid, b.Media[1].Mid);
        Assert.Contains(b.Media[1].Attributes, x => x == new SdpAttribute("x-custom", "42"));
    }

    [Fact]
    public void Data_channel_sections_parse_with_their_format_token()
    {
        const string text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\na=sctp-port:5000\r\n";
        Assert.True(SessionDescription.TryParse(text, out var offer, out _));
        var media = Assert.Single(offer.Media);
        Assert.Equal(MediaKind.Application, media.Kind);
        Assert.Equal(["webrtc-datachannel"], media.Formats);
        Assert.Empty(media.PayloadTypes);
        Assert.Empty(media.Codecs);
        Assert.False(media.IsSecureRtp);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \r\n\r\n", "empty")]
    [InlineData("hello world", "v=0")]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n", "v=0")]
    [InlineData("v=1\r\ns=-\r\n", "v=0")]
    [InlineData("v=0\r\nm=audio\r\n", "malformed m= line")]
    [InlineData("v=0\r\nm=audio port UDP/TLS/RTP/SAVPF 111\r\n", "malformed m= line")]
    [InlineData("v=0\r\nm=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n", "malformed m= line")]
    public void Malformed_text_is_refused_with_a_reason(string text, string reason)
    {
        Assert.False(SessionDescription.TryParse(text, out var description, out var error));
        Assert.Null(description);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Oversized_bodies_and_too_many_lines_are_refused()
    {
        var huge = "v=0\r\n" + new string('a', SessionDescription.MaxSize);
        Assert.False(SessionDescription.TryParse(huge, out _, out var error));
        Assert.Contains("limit", error);

        var many = "v=0\n" + string.Concat(Enumerable.Repeat("a=x\n", SessionDescription.MaxLines));
        Assert.False(SessionDescription.TryParse(many, out _, out error));
        Assert.Contains("lines", error);

        var sections = "v=0\n" + string.Concat(Enumerable.Repeat("m=audio 9 RTP/AVP 0\n", SessionDescription.MaxMediaSections + 1));
        Assert.False(SessionDescription.TryParse(sections, out _, out error));
        Assert.Contains("m= lines", error);
    }

    [Fact]
    public void Garbage_attribute_values_are_ignored_not_fatal()
    {
        const string text = "v=0\nm=video 9 UDP/TLS/RTP/SAVPF 96 abc 300\na=rtpmap:96\na=rtpmap:x VP8/90000\na=rtpmap:96 VP8/zero\na=fmtp:\na=rtcp-fb:96\n"
            + "a=extmap:0 urn:x\na=extmap:abc\na=ssrc:-1 cname:x\na=ssrc:12 \na=ssrc-group:FID 1 x\na=fingerprint:sha-256\na=setup:sideways\na=mid:\n";
        Assert.True(SessionDescription.TryParse(text, out var offer, out var error), error);
        var media = offer.Media[0];
        Assert.Equal([96], media.PayloadTypes);
        Assert.Empty(media.Codecs);
        Assert.Empty(media.Extmaps);
        Assert.Empty(media.SsrcGroups);
        Assert.Null(media.Fingerprint);
        Assert.Null(media.Setup);
        Assert.Null(media.Mid);
        Assert.Equal(12u, Assert.Single(media.Ssrcs).Ssrc);
    }
}
