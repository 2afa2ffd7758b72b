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
/// tracks kept (H.264, H.265, VP8, VP9 or AV1 video and Opus audio, which the stream's frames carry), our ICE
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
                video = new RtcTrack(media.Mid ?? "", (byte)codec.PayloadType, CodecId(codec), media.Track?.Ssrc ?? videoSsrc, codec.ClockRate, twcc);
            }
            else if (media.Kind == MediaKind.Audio && audio is null)
            {
                audio = new RtcTrack(media.Mid ?? "", (byte)codec.PayloadType, VideoCodecId.Unknown, media.Track?.Ssrc ?? audioSsrc, codec.ClockRate, twcc);
            }
        }
        if (!publish && video is null && streamCodec != VideoCodecId.Unknown && OffersVideo(offer!))
        {
            // Nothing is transcoded: a player that cannot take the stream's codec would get sound alone.
            error = $"the stream's video is {Name(streamCodec)}, which the offer does not take (it offers {OfferedVideo(offer!)})";
            return false;
        }
        if (video is null && audio is null)
        {
            error = publish || streamCodec == VideoCodecId.Unknown
                ? "no H.264, H.265, VP8, VP9, AV1 or Opus track in the offer"
                : $"no {Name(streamCodec)} video (the stream's codec) or Opus track in the offer";
            return false;
        }
        negotiation = new RtcNegotiation(ufrag, password, answer, video, audio);
        return true;
    }

    /// <summary>
    /// The video codecs to accept, most wanted first. Nothing is transcoded, so a publisher's codec
    /// decides who can watch: H.264 goes to every protocol and every WebRTC player, so it goes first;
    /// then H.265, which every protocol here carries too (TS, HLS and DVR included) though fewer
    /// browsers decode it; then VP8, which every WebRTC player decodes (RFC 7742 makes it mandatory)
    /// but only WebRTC and FLV carry; then VP9 and AV1, decoded by fewer players still. A player gets
    /// the stream's codec alone (and is refused if its offer lacks it); while the codec is not known
    /// yet (no publisher here so far), the same order as a publisher.
    /// </summary>
    internal static IReadOnlyList<string> VideoCodecsFor(bool publish, VideoCodecId streamCodec) => publish
        ? PublishOrder
        : streamCodec switch
        {
            VideoCodecId.H264 => [Codec.H264],
            VideoCodecId.H265 => [Codec.H265],
            VideoCodecId.Vp8 => [Codec.Vp8],
            VideoCodecId.Vp9 => [Codec.Vp9],
            VideoCodecId.Av1 => [Codec.Av1],
            _ => PublishOrder,
        };

    private static readonly string[] PublishOrder = [Codec.H264, Codec.H265, Codec.Vp8, Codec.Vp9, Codec.Av1];

    private static VideoCodecId CodecId(Codec codec) =>
        codec.Is(Codec.H265) ? VideoCodecId.H265
        : codec.Is(Codec.Vp8) ? VideoCodecId.Vp8
        : codec.Is(Codec.Vp9) ? VideoCodecId.Vp9
        : codec.Is(Codec.Av1) ? VideoCodecId.Av1
        : VideoCodecId.H264;

    /// <summary>The codec as SDP names it.</summary>
    internal static string Name(VideoCodecId codec) => codec switch
    {
        VideoCodecId.H264 => Codec.H264,
        VideoCodecId.H265 => Codec.H265,
        VideoCodecId.Vp8 => Codec.Vp8,
        VideoCodecId.Vp9 => Codec.Vp9,
        VideoCodecId.Av1 => Codec.Av1,
        _ => codec.ToString(),
    };

    /// <summary>Whether the offer has a video section that could receive.</summary>
    private static bool OffersVideo(SessionDescription offer) =>
        offer.Media.Any(m => m.Kind == MediaKind.Video && m.Port != 0 && m.Direction is not (MediaDirection.SendOnly or MediaDirection.Inactive));

    private static string OfferedVideo(SessionDescription offer)
    {
        var names = offer.Media.Where(m => m.Kind == MediaKind.Video).SelectMany(m => m.Codecs)
            .Select(c => c.Name.ToUpperInvariant()).Where(n => n is not ("RTX" or "RED" or "ULPFEC" or "FLEXFEC-03")).Distinct().ToList();
        return names.Count == 0 ? "no video codec" : string.Join(", ", names);
    }

    private static uint RandomSsrc() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);
}
