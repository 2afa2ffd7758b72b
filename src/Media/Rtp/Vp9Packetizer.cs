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
        var predicted = keyframe ? 0 : InterPicturePredicted;
        return DescriptorPayloads.Split(frame, maxPayloadSize, (first, last) => (byte)(predicted | (first ? BeginOfFrame : 0) | (last ? EndOfFrame : 0)));
    }
}
