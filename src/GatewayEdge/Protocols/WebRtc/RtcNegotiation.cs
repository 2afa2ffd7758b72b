using System.Security.Cryptography;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp.Sdp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>One negotiated track: its m= line, payload type and codec, and our SSRC on it (the sender
/// SSRC of our RTCP for a publisher's track; the media SSRC we send for a player's).</summary>
/// <param name="TransportCcId">The header extension id of transport-wide sequence numbers, 0 when not negotiated.</param>
public sealed record RtcTrack(string Mid, byte PayloadType, VideoCodecId VideoCodec, uint LocalSsrc, int ClockRate, int TransportCcId = 0);

/// <summary>
/// The offer/answer of one session: the peer's ICE credentials and certificate fingerprint, the
/// tracks kept (H.264, H.265, VP8 or VP9 video and Opus audio, which the stream's frames carry), our ICE
/// credentials and the answer text. Retransmissions come on the original SSRC (no RTX negotiated).
/// </summary>
internal sealed class RtcNegotiation
{
    private RtcNegotiation(string localUfrag, string localPassword, SdpAnswer answer, RtcTrack? video, RtcTrack? audio)
    {
        LocalUfrag = localUfrag;
        LocalPassword = localPassword;
        AnswerSdp = answer.Sdp;
        RemoteUfrag = answer.RemoteIceUfrag;
        RemoteFingerprint = answer.RemoteFingerprint.ToString();
        Video = video;
        Audio = audio;
    }

    public string LocalUfrag { get; }

    public string LocalPassword { get; }

    public string RemoteUfrag { get; }

    /// <summary>"sha-256 AB:CD:…" from the offer: the certificate DTLS must present.</summary>
    public string RemoteFingerprint { get; }

    public string AnswerSdp { get; }

    public RtcTrack? Video { get; }

    public RtcTrack? Audio { get; }

    public string Describe() =>
        string.Join(", ", new[] { Video is { } v ? $"video {v.VideoCodec}/{v.PayloadType}" : null, Audio is { } a ? $"audio opus/{a.PayloadType}" : null }.Where(t => t is not null));

    /// <param name="fingerprint">Our certificate's, "sha-256 AB:CD:…".</param>
    /// <param name="streamCodec">For a player, the stream's video codec (Unknown before it is known).</param>
    public static bool TryNegotiate(string sdp, bool publish, string fingerprint, IReadOnlyList<RtcCandidate> candidates, VideoCodecId streamCodec,
        out RtcNegotiation negotiation, out string error)
    {
        negotiation = null!;
        if (!SessionDescription.TryParse(sdp, out var offer, out error))
        {
            error = $"bad SDP: {error}";
            return false;
        }
        // Letters and digits are ICE characters (RFC 8839 ice-char).
        var ufrag = Ids.Random(8);
        var password = Ids.Random(24);
        uint videoSsrc = RandomSsrc(), audioSsrc = RandomSsrc();
        var cname = Ids.Random(16);
        var space = fingerprint.IndexOf(' ');
        var options = new SdpAnswerOptions
        {
            IceUfrag = ufrag,
            IcePwd = password,
            FingerprintAlgorithm = space > 0 ? fingerprint[..space] : "sha-256",
            Fingerprint = space > 0 ? fingerprint[(space + 1)..] : fingerprint,
            Role = publish ? AnswerRole.Receive : AnswerRole.Send,
            Candidates = [.. candidates.Select(c => new SdpIceCandidate(c.Address, c.Port, c.Protocol))],
            VideoCodecs = VideoCodecsFor(publish, streamCodec),
            AcceptRtx = false,
            SendTracks = publish ? [] :
            [
                new SdpSendTrack(MediaKind.Video, videoSsrc, cname, "orleanslive", "video"),
                new SdpSendTrack(MediaKind.Audio, audioSsrc, cname, "orleanslive", "audio"),
            ],
        };
        if (!SdpAnswerBuilder.TryBuild(offer!, options, out var answer, out error))
        {
            return false;
        }
        RtcTrack? video = null, audio = null;
        foreach (var media in answer!.Accepted)
        {
            if (media.Codec is not { } codec)
            {
                continue;
            }
            var twcc = media.Extensions.FirstOrDefault(e => e.Uri.Equals(SdpExtensionUris.TransportWideCc, StringComparison.OrdinalIgnoreCase))?.Id ?? 0;
            if (media.Kind == MediaKind.Video && video is null)
            {
                var codecId = codec.Is(Codec.H265) ? VideoCodecId.H265 : codec.Is(Codec.Vp8) ? VideoCodecId.Vp8 : codec.Is(Codec.Vp9) ? VideoCodecId.Vp9 : VideoCodecId.H264;
                video = new RtcTrack(media.Mid ?? "", (byte)codec.PayloadType, codecId, media.Track?.Ssrc ?? videoSsrc, codec.ClockRate, twcc);
            }
            else if (media.Kind == MediaKind.Audio && audio is null)
            {
                audio = new RtcTrack(media.Mid ?? "", (byte)codec.PayloadType, VideoCodecId.Unknown, media.Track?.Ssrc ?? audioSsrc, codec.ClockRate, twcc);
            }
        }
        if (video is null && audio is null)
        {
            error = publish || streamCodec == VideoCodecId.Unknown
                ? "no H.264, H.265, VP8, VP9 or Opus track in the offer"
                : $"no {streamCodec} video (the stream's codec) or Opus track in the offer";
            return false;
        }
        negotiation = new RtcNegotiation(ufrag, password, answer, video, audio);
        return true;
    }

    /// <summary>
    /// The video codecs to accept, most wanted first. A publisher's H.264 is what every protocol plays,
    /// so it goes first; VP8 and VP9 are taken when the offer has nothing else. A player gets the
    /// stream's codec, as the gateway does not transcode: H.265 before H.264 for an H.265 stream, only
    /// VP8 or VP9 for such a stream; H.264 first while the codec is not known yet.
    /// </summary>
    internal static IReadOnlyList<string> VideoCodecsFor(bool publish, VideoCodecId streamCodec) => publish
        ? [Codec.H264, Codec.H265, Codec.Vp8, Codec.Vp9]
        : streamCodec switch
        {
            VideoCodecId.H265 => [Codec.H265, Codec.H264],
            VideoCodecId.Vp8 => [Codec.Vp8],
            VideoCodecId.Vp9 => [Codec.Vp9],
            _ => [Codec.H264, Codec.H265],
        };

    private static uint RandomSsrc() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
}
