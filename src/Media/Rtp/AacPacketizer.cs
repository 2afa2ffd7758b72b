namespace OrleansLive.Media.Rtp;

/// <summary>
/// AAC in RTP as RFC 3640 mpeg4-generic, AAC-hbr mode (sizeLength 13, indexLength 3, indexDeltaLength
/// 3): one raw access unit per packet behind a 16-bit AU-headers-length and one AU header.
/// </summary>
public static class AacPacketizer
{
    public const int SizeLength = 13;
    public const int IndexLength = 3;
    public const int IndexDeltaLength = 3;

    /// <summary>Largest access unit the 13-bit size field can say.</summary>
    public const int MaxAccessUnit = (1 << SizeLength) - 1;

    /// <summary>The payload for one raw AAC frame; empty when it is too large for AAC-hbr.</summary>
    public static byte[] Packetize(ReadOnlySpan<byte> accessUnit)
    {
        if (accessUnit.Length is 0 or > MaxAccessUnit)
        {
            return [];
        }
        var payload = new byte[4 + accessUnit.Length];
        payload[0] = 0;
        payload[1] = 16; // AU-headers-length in bits: one 16-bit header
        payload[2] = (byte)(accessUnit.Length >> 5);
        payload[3] = (byte)((accessUnit.Length & 0x1F) << 3); // AU-index 0
        accessUnit.CopyTo(payload.AsSpan(4));
        return payload;
    }
}
