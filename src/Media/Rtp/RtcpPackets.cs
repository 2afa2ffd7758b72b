namespace OrleansLive.Media.Rtp;

/// <summary>One packet of an RTCP compound packet, as RtcpCompound.TryParse reads it.</summary>
public abstract record RtcpPacket;

/// <summary>Reception statistics for one source (RFC 3550 6.4.1).</summary>
/// <param name="CumulativeLost">24-bit signed: duplicates can make it negative.</param>
/// <param name="HighestSequence">Extended highest sequence number received (cycles in the upper 16 bits).</param>
/// <param name="LastSenderReport">Middle 32 bits of the last SR's NTP timestamp.</param>
/// <param name="DelaySinceLastSenderReport">In units of 1/65536 s.</param>
public readonly record struct RtcpReportBlock(uint Ssrc, byte FractionLost, int CumulativeLost, uint HighestSequence, uint Jitter,
    uint LastSenderReport, uint DelaySinceLastSenderReport);

public sealed record RtcpSenderReport(uint Ssrc, ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount,
    IReadOnlyList<RtcpReportBlock> Reports) : RtcpPacket;

public sealed record RtcpReceiverReport(uint Ssrc, IReadOnlyList<RtcpReportBlock> Reports) : RtcpPacket;

public sealed record RtcpBye(IReadOnlyList<uint> Ssrcs) : RtcpPacket;

/// <summary>Generic NACK (RFC 4585 6.2.1), PID+BLP entries expanded to sequence numbers.</summary>
public sealed record RtcpNack(uint SenderSsrc, uint MediaSsrc, IReadOnlyList<ushort> Sequences) : RtcpPacket;

/// <summary>Picture Loss Indication (RFC 4585 6.3.1).</summary>
public sealed record RtcpPli(uint SenderSsrc, uint MediaSsrc) : RtcpPacket;

public readonly record struct RtcpFirEntry(uint Ssrc, byte SequenceNumber);

/// <summary>Full Intra Request (RFC 5104 4.3.1): one entry per source asked for a keyframe.</summary>
public sealed record RtcpFir(uint SenderSsrc, IReadOnlyList<RtcpFirEntry> Entries) : RtcpPacket;

/// <summary>Receiver Estimated Maximum Bitrate (draft-alvestrand-rmcat-remb), in bits per second.</summary>
public sealed record RtcpRemb(uint SenderSsrc, ulong Bitrate, IReadOnlyList<uint> Ssrcs) : RtcpPacket;

/// <summary>One packet of a transport-wide feedback: received or not and, when received, its arrival
/// in microseconds on the feedback's clock (ReferenceTime × 64 ms plus the deltas).</summary>
public readonly record struct TransportCcPacket(ushort Sequence, bool Received, long ArrivalMicros);

/// <summary>Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 3.1).</summary>
/// <param name="ReferenceTime">24-bit signed, in multiples of 64 ms.</param>
public sealed record RtcpTransportFeedback(uint SenderSsrc, uint MediaSsrc, ushort BaseSequence, ushort StatusCount, int ReferenceTime,
    byte FeedbackCount, IReadOnlyList<TransportCcPacket> Packets) : RtcpPacket;

/// <summary>A packet read no further: SDES, APP, XR and unhandled feedback formats.</summary>
public sealed record RtcpOther(byte PacketType, int Format) : RtcpPacket;
