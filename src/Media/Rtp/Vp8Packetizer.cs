namespace OrleansLive.Media.Rtp;

/// <summary>
/// A VP8 frame to RTP payloads (RFC 7741) with the one-byte payload descriptor: S set on the first
/// payload, partition id 0, no picture id (receivers then order frames by sequence number, which each
/// player rewrites gap-free). The last payload is the one to send with the marker bit.
/// </summary>
public static class Vp8Packetizer
{
    private const byte StartOfPartition = 0x10;

    public static List<byte[]> Packetize(ReadOnlySpan<byte> frame, int maxPayloadSize = RtpPacketBuilder.DefaultMaxPayloadSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, 2);
        var payloads = new List<byte[]>();
        if (frame.IsEmpty)
        {
            return payloads;
        }

        // Even chunks, so the last one is not a runt.
        var chunk = maxPayloadSize - 1;
        var count = (frame.Length + chunk - 1) / chunk;
        var even = (frame.Length + count - 1) / count;
        for (var at = 0; at < frame.Length; at += even)
        {
            var length = Math.Min(even, frame.Length - at);
            var payload = new byte[1 + length];
            payload[0] = at == 0 ? StartOfPartition : (byte)0;
            frame.Slice(at, length).CopyTo(payload.AsSpan(1));
            payloads.Add(payload);
        }

        return payloads;
    }
}
