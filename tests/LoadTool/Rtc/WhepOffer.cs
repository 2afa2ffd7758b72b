using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace OrleansLive.LoadTool.Rtc;

/// <summary>
/// The SDP offer of a WHEP player, as small as a WebRTC gateway accepts: one BUNDLE transport with
/// rtcp-mux, recvonly H.264 (packetization-mode 1, constrained baseline 3.1) and Opus, our ICE
/// credentials and our certificate's fingerprint, a=setup:actpass (so the gateway, ICE-lite, stays
/// passive and we run the DTLS client). No header extensions: the packets stay as plain as possible.
/// </summary>
public sealed class WhepOffer
{
    public const int VideoPayloadType = 102;
    public const int AudioPayloadType = 111;

    private WhepOffer(string sdp, string iceUfrag, string icePassword)
    {
        Sdp = sdp;
        IceUfrag = iceUfrag;
        IcePassword = icePassword;
    }

    public string Sdp { get; }

    public string IceUfrag { get; }

    public string IcePassword { get; }

    /// <param name="fingerprint">"sha-256 AB:CD:..." of the certificate the DTLS client presents.</param>
    public static WhepOffer Create(string fingerprint)
    {
        var ufrag = RandomToken(8);
        var password = RandomToken(24);
        var sessionId = RandomNumberGenerator.GetInt32(1, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var sdp = new StringBuilder(1024);
        void Line(string text) => sdp.Append(text).Append("\r\n");
        void Transport(string mid)
        {
            Line("c=IN IP4 0.0.0.0");
            Line("a=rtcp:9 IN IP4 0.0.0.0");
            Line($"a=ice-ufrag:{ufrag}");
            Line($"a=ice-pwd:{password}");
            Line($"a=fingerprint:{fingerprint}");
            Line("a=setup:actpass");
            Line($"a=mid:{mid}");
            Line("a=recvonly");
            Line("a=rtcp-mux");
        }

        Line("v=0");
        Line($"o=- {sessionId} 2 IN IP4 127.0.0.1");
        Line("s=-");
        Line("t=0 0");
        Line("a=group:BUNDLE 0 1");
        Line("a=msid-semantic: WMS");
        Line($"m=video 9 UDP/TLS/RTP/SAVPF {VideoPayloadType}");
        Transport("0");
        Line("a=rtcp-rsize");
        Line($"a=rtpmap:{VideoPayloadType} H264/90000");
        Line($"a=rtcp-fb:{VideoPayloadType} nack");
        Line($"a=rtcp-fb:{VideoPayloadType} nack pli");
        Line($"a=fmtp:{VideoPayloadType} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
        Line($"m=audio 9 UDP/TLS/RTP/SAVPF {AudioPayloadType}");
        Transport("1");
        Line($"a=rtpmap:{AudioPayloadType} opus/48000/2");
        Line($"a=fmtp:{AudioPayloadType} minptime=10;useinbandfec=1");
        return new WhepOffer(sdp.ToString(), ufrag, password);
    }

    /// <summary>ICE characters (RFC 8839 ice-char), letters and digits only.</summary>
    private static string RandomToken(int length) => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", length);
}
