namespace OrleansLive.Media.Rtp;

/// <summary>
/// Elements of an RTP header extension block in the one-byte (0xBEDE) and two-byte (0x100X)
/// forms of RFC 8285, each an id with up to 16 (one-byte) or 255 (two-byte) bytes of data.
/// </summary>
public static class RtpHeaderExtension
{
    /// <summary>Finds element <paramref name="id"/> in an extension block (the data after the
    /// 4-byte extension header); false when absent, for another profile or malformed.</summary>
    public static bool TryFind(ushort profile, ReadOnlySpan<byte> block, int id, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryLocate(profile, block, id, out var offset, out var length))
        {
            return false;
        }

        value = block.Slice(offset, length);
        return true;
    }

    /// <summary>Where element <paramref name="id"/>'s data lies in the block.</summary>
    internal static bool TryLocate(ushort profile, ReadOnlySpan<byte> block, int id, out int offset, out int length)
    {
        offset = length = 0;
        var oneByte = profile == RtpHeader.OneByteProfile;
        if (!oneByte && (profile & 0xFFF0) != RtpHeader.TwoByteProfile)
        {
            return false;
        }

        for (var at = 0; at < block.Length;)
        {
            if (block[at] == 0)
            {
                at++; // padding
                continue;
            }

            int elementId, dataAt;
            if (oneByte)
            {
                elementId = block[at] >> 4;
                if (elementId == 15)
                {
                    return false; // reserved: stop processing the block
                }

                length = (block[at] & 0x0F) + 1;
                dataAt = at + 1;
            }
            else
            {
                if (at + 2 > block.Length)
                {
                    return false;
                }

                elementId = block[at];
                length = block[at + 1];
                dataAt = at + 2;
            }

            if (dataAt + length > block.Length)
            {
                return false;
            }

            if (elementId == id)
            {
                offset = dataAt;
                return true;
            }

            at = dataAt + length;
        }

        return false;
    }
}
