namespace OrleansLive.Media.Rtp;

/// <summary>RTCP packet types (RFC 3550 12.1, RFC 4585 6.1, RFC 3611) and the feedback formats used.</summary>
public static class RtcpPacketType
{
    public const byte SenderReport = 200;
    public const byte ReceiverReport = 201;
    public const byte SourceDescription = 202;
    public const byte Bye = 203;
    public const byte App = 204;
    public const byte TransportFeedback = 205;
    public const byte PayloadFeedback = 206;
    public const byte ExtendedReport = 207;

    /// <summary>RTPFB FMT 1 (RFC 4585 6.2.1).</summary>
    public const int GenericNack = 1;

    /// <summary>RTPFB FMT 15 (draft-holmer-rmcat-transport-wide-cc-extensions-01).</summary>
    public const int TransportWideCc = 15;

    /// <summary>PSFB FMT 1 (RFC 4585 6.3.1).</summary>
    public const int PictureLossIndication = 1;

    /// <summary>PSFB FMT 4 (RFC 5104 4.3.1).</summary>
    public const int FullIntraRequest = 4;

    /// <summary>PSFB FMT 15, application layer feedback; REMB is one.</summary>
    public const int ApplicationLayerFeedback = 15;

    /// <summary>RTP and RTCP multiplexed on one port (RFC 5761 4): the second byte of RTCP is
    /// 192-223, which RTP payload types 64-95 with either marker bit would collide with.</summary>
    public static bool IsRtcp(ReadOnlySpan<byte> packet) => packet.Length >= 8 && packet[0] >> 6 == 2 && packet[1] is >= 192 and <= 223;
}
