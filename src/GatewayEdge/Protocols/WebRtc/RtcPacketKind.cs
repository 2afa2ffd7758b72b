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
}
