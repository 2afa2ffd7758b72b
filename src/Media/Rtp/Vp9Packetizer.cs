namespace OrleansLive.Media.Rtp;

/// <summary>
/// A VP9 picture to RTP payloads (RFC 9628) with the one-byte payload descriptor of a single-layer,
/// non-flexible stream: B on the first payload, E on the last, P clear on keyframes; no picture id or
/// layer indices (receivers then order pictures by sequence number, which each player rewrites
/// gap-free). A superframe goes whole, as one frame. The last payload takes the marker bit.
/// </summary>
public static class Vp9Packetizer
{
    private const byte InterPicturePredicted = 0x40;
    private const byte BeginOfFrame = 0x08;
    private const byte EndOfFrame = 0x04;

    public static List<byte[]> Packetize(ReadOnlySpan<byte> frame, bool keyframe, int maxPayloadSize = RtpPacketBuilder.DefaultMaxPayloadSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, 2);
        var payloads = new List<byte[]>();
        if (frame.IsEmpty)
        {
            return payloads;
        }

        var chunk = maxPayloadSize - 1;
        var count = (frame.Length + chunk - 1) / chunk;
        var even = (frame.Length + count - 1) / count;
        for (var at = 0; at < frame.Length; at += even)
        {
            var length = Math.Min(even, frame.Length - at);
            var payload = new byte[1 + length];
            payload[0] = (byte)((keyframe ? 0 : InterPicturePredicted) | (at == 0 ? BeginOfFrame : 0) | (at + length == frame.Length ? EndOfFrame : 0));
            frame.Slice(at, length).CopyTo(payload.AsSpan(1));
            payloads.Add(payload);
        }

        return payloads;
    }
}
