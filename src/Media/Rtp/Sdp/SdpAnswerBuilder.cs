using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>
/// Answers a WHIP or WHEP offer as an ICE-lite gateway (JSEP RFC 8829 5.3, BUNDLE RFC 8843,
/// DTLS-SRTP RFC 5763/8842): one transport for every accepted m= line, one codec (plus its RTX)
/// per line, m= lines kept in the offer's order with port 0 for the rejected ones.
/// </summary>
public static class SdpAnswerBuilder
{
    private const string Crlf = "\r\n";

    /// <summary>Builds the answer, or false with a message a WHIP/WHEP client can be shown (HTTP 400
    /// body): no media, nothing bundle-able, no ICE credentials, no fingerprint, no rtcp-mux, or no
    /// line with an acceptable codec and direction.</summary>
    public static bool TryBuild(SessionDescription offer, SdpAnswerOptions options, [NotNullWhen(true)] out SdpAnswer? answer, out string error)
    {
        answer = null;
        if (offer.Media.Count == 0)
        {
            error = "the offer has no media sections (m= lines)";
            return false;
        }

        var bundled = BundleCandidates(offer);
        if (bundled.Count == 0)
        {
            error = "no media section can be bundled: each needs a=mid, a DTLS-SRTP profile (UDP/TLS/RTP/SAVPF), audio or video, "
                + "a nonzero port or a=bundle-only, and a place in a=group:BUNDLE when the offer has one";
            return false;
        }

        var transport = bundled[0];
        if (transport.IceUfrag is null || transport.IcePwd is null)
        {
            error = $"the offer has no a=ice-{(transport.IceUfrag is null ? "ufrag" : "pwd")} (at session level or on m= line mid {transport.Mid})";
            return false;
        }

        if (transport.Fingerprint is null)
        {
            error = "the offer has no a=fingerprint; DTLS-SRTP needs the peer's certificate digest";
            return false;
        }

        if (transport.Setup == DtlsSetup.HoldConn)
        {
            error = "the offer says a=setup:holdconn; there is no DTLS association to open";
            return false;
        }

        if (bundled.Find(m => !m.RtcpMux) is { } unmuxed)
        {
            error = $"m= line mid {unmuxed.Mid} lacks a=rtcp-mux, which the gateway requires (RTP and RTCP share one port)";
            return false;
        }

        var localSetup = transport.Setup == DtlsSetup.Passive ? DtlsSetup.Active : DtlsSetup.Passive;
        var tracks = options.SendTracks.ToList();
        var media = new List<AnsweredMedia>();
        var codecMisses = new List<string>();
        foreach (var offered in offer.Media)
        {
            media.Add(Answer(offered, bundled.Contains(offered), options, tracks, codecMisses));
        }

        if (!media.Exists(m => m.Accepted))
        {
            error = codecMisses.Count > 0
                ? $"no acceptable codec: the offer has {string.Join("; ", codecMisses)}; the gateway takes {string.Join(", ", options.AudioCodecs.Concat(options.VideoCodecs))}"
                : options.Role == AnswerRole.Receive
                    ? "no media section sends anything for the gateway to receive (need sendonly or sendrecv)"
                    : "no media section can receive what the gateway sends (need recvonly or sendrecv, and a track of that kind)";
            return false;
        }

        // The offer's BUNDLE order, keeping the lines accepted; the first becomes the tag.
        var acceptedMids = media.Where(m => m.Accepted).Select(m => m.Mid!).ToHashSet();
        var order = offer.HasBundleGroup ? offer.BundleMids : [.. bundled.Select(m => m.Mid!)];
        IReadOnlyList<string> bundleMids = [.. order.Where(acceptedMids.Contains).Distinct()];
        var text = Write(offer, options, media, bundleMids, localSetup);
        answer = new SdpAnswer(text, media, bundleMids, transport.IceUfrag, transport.IcePwd, transport.Fingerprint, localSetup);
        error = string.Empty;
        return true;
    }

    /// <summary>The lines that can share the one transport: secure RTP audio/video with a mid, live
    /// (or bundle-only), inside the BUNDLE group. Without a group only the first such line.</summary>
    private static List<MediaDescription> BundleCandidates(SessionDescription offer)
    {
        var group = offer.BundleMids;
        var usable = offer.Media.Where(m => m.Mid is not null && m.IsSecureRtp && m.Kind is MediaKind.Audio or MediaKind.Video && (m.Port != 0 || m.BundleOnly)).ToList();
        return offer.HasBundleGroup ? [.. usable.Where(m => group.Contains(m.Mid!))] : [.. usable.Take(1)];
    }

    private static AnsweredMedia Answer(MediaDescription offered, bool bundled, SdpAnswerOptions options, List<SdpSendTrack> tracks, List<string> codecMisses)
    {
        AnsweredMedia Reject(string reason) => new(offered, false, null, null, [], MediaDirection.Inactive, null, reason);

        if (!bundled)
        {
            return Reject(offered.Kind is MediaKind.Audio or MediaKind.Video ? "not in the BUNDLE group, or not DTLS-SRTP" : $"the gateway carries no {offered.Media} sections");
        }

        var receive = options.Role == AnswerRole.Receive;
        var peerSends = offered.Direction is MediaDirection.SendRecv or MediaDirection.SendOnly;
        var peerReceives = offered.Direction is MediaDirection.SendRecv or MediaDirection.RecvOnly;
        if (receive ? !peerSends : !peerReceives)
        {
            return Reject($"the offer is {offered.Direction.ToString().ToLowerInvariant()}");
        }

        var codec = options.SelectCodec is { } select ? select(offered) : ChooseCodec(offered, options);
        if (codec is null)
        {
            codecMisses.Add($"{offered.Media} [{string.Join(", ", offered.Codecs.Where(c => !IsHelper(c)).Select(c => c.Name).Distinct(StringComparer.OrdinalIgnoreCase))}]");
            return Reject("no acceptable codec");
        }

        SdpSendTrack? track = null;
        if (!receive)
        {
            var at = tracks.FindIndex(t => t.Kind == offered.Kind);
            if (at < 0)
            {
                return Reject($"no {offered.Media} track to send");
            }

            track = tracks[at];
            tracks.RemoveAt(at);
        }

        var rtx = options.AcceptRtx ? CodecSelector.FindRtx(offered.Codecs, codec.PayloadType) : null;
        var extensions = offered.Extmaps.Where(e => options.HeaderExtensions.Contains(e.Uri, StringComparer.OrdinalIgnoreCase))
            .GroupBy(e => e.Id).Select(g => g.First() with { Direction = null }).ToList();
        return new AnsweredMedia(offered, true, codec, rtx, extensions, receive ? MediaDirection.RecvOnly : MediaDirection.SendOnly, track, null);
    }

    private static Codec? ChooseCodec(MediaDescription offered, SdpAnswerOptions options)
    {
        var names = offered.Kind == MediaKind.Audio ? options.AudioCodecs : options.VideoCodecs;
        foreach (var name in names)
        {
            if (CodecSelector.Choose(offered.Codecs, name, options.H264Profiles) is { } codec)
            {
                return codec;
            }
        }

        return null;
    }

    private static bool IsHelper(Codec codec) => codec.Is(Codec.Rtx) || codec.Is(Codec.Red) || codec.Is(Codec.Ulpfec) || codec.Is(Codec.TelephoneEvent) || codec.Is("CN") || codec.Is("flexfec-03");

    private static string Write(SessionDescription offer, SdpAnswerOptions options, List<AnsweredMedia> media, IReadOnlyList<string> bundleMids, DtlsSetup localSetup)
    {
        var sdp = new StringBuilder(2048);
        void Line(string text) => sdp.Append(text).Append(Crlf);

        Line("v=0");
        Line(string.Create(CultureInfo.InvariantCulture, $"o=- {options.SessionId ?? SessionIdFrom(options.IceUfrag)} 2 IN IP4 127.0.0.1"));
        Line("s=-");
        Line("t=0 0");
        Line("a=ice-lite");
        if (bundleMids.Count > 0)
        {
            Line($"a=group:BUNDLE {string.Join(' ', bundleMids)}");
        }

        if (offer.HasAttribute("extmap-allow-mixed"))
        {
            Line("a=extmap-allow-mixed");
        }

        var streams = media.Where(m => m.Track is not null).Select(m => m.Track!.StreamId).Distinct().ToList();
        Line(streams.Count > 0 ? $"a=msid-semantic: WMS {string.Join(' ', streams)}" : "a=msid-semantic: WMS");
        foreach (var answered in media)
        {
            if (answered.Accepted)
            {
                WriteAccepted(Line, answered, options, localSetup);
            }
            else
            {
                var offered = answered.Offer;
                Line($"m={offered.Media} 0 {offered.Proto} {(offered.Formats.Count > 0 ? offered.Formats[0] : "0")}");
                Line("c=IN IP4 0.0.0.0");
                if (offered.Mid is { } mid)
                {
                    Line($"a=mid:{mid}");
                }

                Line("a=inactive");
            }
        }

        return sdp.ToString();
    }

    private static void WriteAccepted(Action<string> line, AnsweredMedia answered, SdpAnswerOptions options, DtlsSetup localSetup)
    {
        var offered = answered.Offer;
        var codec = answered.Codec!;
        var rtx = answered.Rtx;
        line(rtx is null ? $"m={offered.Media} 9 {offered.Proto} {codec.PayloadType}" : $"m={offered.Media} 9 {offered.Proto} {codec.PayloadType} {rtx.PayloadType}");
        line("c=IN IP4 0.0.0.0");
        line($"a=mid:{offered.Mid}");
        line($"a=ice-ufrag:{options.IceUfrag}");
        line($"a=ice-pwd:{options.IcePwd}");
        line($"a=fingerprint:{options.FingerprintAlgorithm} {options.Fingerprint}");
        line($"a=setup:{(localSetup == DtlsSetup.Active ? "active" : "passive")}");
        line("a=rtcp-mux");
        if (offered.RtcpRsize)
        {
            line("a=rtcp-rsize");
        }

        foreach (var extension in answered.Extensions)
        {
            line(string.Create(CultureInfo.InvariantCulture, $"a=extmap:{extension.Id} {extension.Uri}"));
        }

        line(answered.Direction == MediaDirection.SendOnly ? "a=sendonly" : "a=recvonly");
        if (answered.Track is { } track)
        {
            line($"a=msid:{track.StreamId} {track.TrackId}");
        }

        line(Rtpmap(codec));
        foreach (var feedback in codec.RtcpFeedback.Where(f => options.RtcpFeedback.Contains(f, StringComparer.OrdinalIgnoreCase)))
        {
            line(string.Create(CultureInfo.InvariantCulture, $"a=rtcp-fb:{codec.PayloadType} {feedback}"));
        }

        if (codec.FmtpLine is { } fmtp)
        {
            line(string.Create(CultureInfo.InvariantCulture, $"a=fmtp:{codec.PayloadType} {fmtp}"));
        }

        if (rtx is not null)
        {
            line(Rtpmap(rtx));
            line(string.Create(CultureInfo.InvariantCulture, $"a=fmtp:{rtx.PayloadType} {rtx.FmtpLine ?? $"apt={codec.PayloadType}"}"));
        }

        if (answered.Track is { } sent)
        {
            var rtxSsrc = rtx is not null ? sent.RtxSsrc : null;
            if (rtxSsrc is { } repair)
            {
                line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc-group:FID {sent.Ssrc} {repair}"));
            }

            foreach (var ssrc in rtxSsrc is { } r ? new[] { sent.Ssrc, r } : [sent.Ssrc])
            {
                line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc:{ssrc} cname:{sent.Cname}"));
                line(string.Create(CultureInfo.InvariantCulture, $"a=ssrc:{ssrc} msid:{sent.StreamId} {sent.TrackId}"));
            }
        }

        for (var i = 0; i < options.Candidates.Count; i++)
        {
            line($"a=candidate:{CandidateLine(options.Candidates[i], i)}");
        }

        if (options.Candidates.Count > 0)
        {
            line("a=end-of-candidates");
        }
    }

    private static string Rtpmap(Codec codec) => codec.Channels > 1
        ? string.Create(CultureInfo.InvariantCulture, $"a=rtpmap:{codec.PayloadType} {codec.Name}/{codec.ClockRate}/{codec.Channels}")
        : string.Create(CultureInfo.InvariantCulture, $"a=rtpmap:{codec.PayloadType} {codec.Name}/{codec.ClockRate}");

    /// <summary>"foundation component transport priority address port typ host [tcptype passive]".
    /// Priority per RFC 8445 5.1.2.1: host type preference 126, UDP ahead of TCP, earlier ahead of later.</summary>
    internal static string CandidateLine(SdpIceCandidate candidate, int index)
    {
        var localPreference = (candidate.IsTcp ? 32767 : 65535) - index;
        var priority = (126u << 24) | ((uint)localPreference << 8) | (256 - 1);
        var protocol = candidate.IsTcp ? "tcp" : "udp";
        var tail = candidate.IsTcp ? " tcptype passive" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{index + 1} 1 {protocol} {priority} {candidate.Address} {candidate.Port} typ {candidate.Type}{tail}");
    }

    // FNV-1a of the ufrag, kept below 2^62 so it stays a positive 64-bit number for any parser.
    private static ulong SessionIdFrom(string ufrag)
    {
        var hash = 14695981039346656037ul;
        foreach (var c in ufrag)
        {
            hash = (hash ^ c) * 1099511628211ul;
        }

        return (hash >> 2) | 1;
    }
}
