using System.Security.Cryptography;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp.Sdp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>One negotiated track: its m= line, payload type and codec, and our SSRC on it (the sender
/// SSRC of our RTCP for a publisher's track; the media SSRC we send for a player's).</summary>
/// <param name="TransportCcId">The header extension id of transport-wide sequence numbers, 0 when not negotiated.</param>
public sealed record RtcTrack(string Mid, byte PayloadType, VideoCodecId VideoCodec, uint LocalSsrc, int ClockRate, int TransportCcId = 0);

/// <summary>
/// The offer/answer of one session: the peer's ICE credentials and certificate fingerprint, the
/// tracks kept (H.264 or H.265 video and Opus audio, which the stream's frames carry), our ICE
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

    public static bool TryNegotiate(string sdp, bool publish, RtcServer server, out RtcNegotiation negotiation, out string error)
    {
        negotiation = null!;
        if (!SessionDescription.TryParse(sdp, out var offer, out error))
        {
            error = $"bad SDP: {error}";
            return false;
        }
        var ufrag = RandomToken(8);
        var password = RandomToken(24);
        uint videoSsrc = RandomSsrc(), audioSsrc = RandomSsrc();
        var cname = RandomToken(16);
        var fingerprint = server.Certificate.Fingerprint;
        var space = fingerprint.IndexOf(' ');
        var options = new SdpAnswerOptions
        {
            IceUfrag = ufrag,
            IcePwd = password,
            FingerprintAlgorithm = space > 0 ? fingerprint[..space] : "sha-256",
            Fingerprint = space > 0 ? fingerprint[(space + 1)..] : fingerprint,
            Role = publish ? AnswerRole.Receive : AnswerRole.Send,
            Candidates = [.. server.Candidates.Select(c => new SdpIceCandidate(c.Address, c.Port, c.Protocol))],
            VideoCodecs = [Codec.H264, Codec.H265],
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
                var codecId = codec.Is(Codec.H265) ? VideoCodecId.H265 : VideoCodecId.H264;
                video = new RtcTrack(media.Mid ?? "", (byte)codec.PayloadType, codecId, media.Track?.Ssrc ?? videoSsrc, codec.ClockRate, twcc);
            }
            else if (media.Kind == MediaKind.Audio && audio is null)
            {
                audio = new RtcTrack(media.Mid ?? "", (byte)codec.PayloadType, VideoCodecId.Unknown, media.Track?.Ssrc ?? audioSsrc, codec.ClockRate, twcc);
            }
        }
        if (video is null && audio is null)
        {
            error = "no H.264, H.265 or Opus track in the offer";
            return false;
        }
        negotiation = new RtcNegotiation(ufrag, password, answer, video, audio);
        return true;
    }

    private static uint RandomSsrc() => (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue);

    /// <summary>ICE characters (RFC 8839 ice-char: ALPHA / DIGIT / "+" / "/"), letters and digits only.</summary>
    private static string RandomToken(int length) =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", length);
}
