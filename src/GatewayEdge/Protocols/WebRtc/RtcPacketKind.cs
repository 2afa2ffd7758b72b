namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>What a datagram on the WebRTC port carries, told by its first byte (RFC 7983 §7).</summary>
public enum RtcPacketKind
{
    Unknown,
    Stun,
    Dtls,
    /// <summary>SRTP or SRTCP (RTCP payload types 192-223 in the second byte, RFC 5761 §4).</summary>
    Rtp,
}

public static class RtcPacketKinds
{
    public static RtcPacketKind Of(ReadOnlySpan<byte> datagram) => datagram.IsEmpty ? RtcPacketKind.Unknown : datagram[0] switch
    {
        <= 3 => RtcPacketKind.Stun,
        >= 20 and <= 63 => RtcPacketKind.Dtls,
        >= 128 and <= 191 => RtcPacketKind.Rtp,
        _ => RtcPacketKind.Unknown,
    };

    /// <summary>An RTCP packet among RTP on a muxed port: payload type 64-95 with the marker bit (SR 200 … XR 207, FB 205/206).</summary>
    public static bool IsRtcp(ReadOnlySpan<byte> packet) => packet.Length >= 2 && packet[1] is >= 192 and <= 223;
}
