namespace OrleansLive.Media.Rtp;

/// <summary>
/// A VP8 frame to RTP payloads (RFC 7741) with the one-byte payload descriptor: S set on the first
/// payload, partition id 0, no picture id (receivers then order frames by sequence number, which each
/// player rewrites gap-free). The last payload is the one to send with the marker bit.
/// </summary>
public static class Vp8Packetizer
{
    private const byte StartOfPartition = 0x10;

    public static List<byte[]> Packetize(ReadOnlySpan<byte> frame, int maxPayloadSize = RtpPacketBuilder.DefaultMaxPayloadSize) =>
        DescriptorPayloads.Split(frame, maxPayloadSize, static (first, _) => first ? StartOfPartition : (byte)0);
}
