namespace OrleansLive.Media.Rtp;

/// <summary>
/// A frame cut into RTP payloads behind a one-byte payload descriptor (VP8's and VP9's simplest
/// forms), in chunks of even size so the last one is not a runt.
/// </summary>
internal static class DescriptorPayloads
{
    /// <param name="descriptor">The descriptor byte of a payload, given whether it is the frame's first and last.</param>
    public static List<byte[]> Split(ReadOnlySpan<byte> frame, int maxPayloadSize, Func<bool, bool, byte> descriptor)
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
            payload[0] = descriptor(at == 0, at + length == frame.Length);
            frame.Slice(at, length).CopyTo(payload.AsSpan(1));
            payloads.Add(payload);
        }

        return payloads;
    }
}
