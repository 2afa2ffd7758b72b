namespace OrleansLive.Media.Rtp;

/// <summary>
/// Whole RTP packets (12-byte header + payload) from a frame's payloads, built once per stream;
/// players then rewrite sequence number and SSRC in place (RtpHeader.Rewrite).
/// </summary>
public static class RtpPacketBuilder
{
    /// <summary>A payload size that keeps packets under common path MTUs with SRTP and TURN overhead.</summary>
    public const int DefaultMaxPayloadSize = 1200;

    /// <summary>One packet per payload, the marker bit on the last (end of access unit), sequence
    /// numbers counting up from <paramref name="firstSequenceNumber"/>.</summary>
    public static byte[][] Build(IReadOnlyList<byte[]> payloads, byte payloadType, uint timestamp, uint ssrc, ushort firstSequenceNumber = 0, bool markLast = true)
    {
        var packets = new byte[payloads.Count][];
        for (var i = 0; i < payloads.Count; i++)
        {
            var packet = new byte[RtpHeader.FixedSize + payloads[i].Length];
            RtpHeader.Write(packet, markLast && i == payloads.Count - 1, payloadType, (ushort)(firstSequenceNumber + i), timestamp, ssrc);
            payloads[i].CopyTo(packet, RtpHeader.FixedSize);
            packets[i] = packet;
        }

        return packets;
    }
}
