using System.Buffers.Binary;

namespace OrleansLive.Media.Codecs;

/// <summary>The picture size of a JPEG file (ITU-T T.81), read from its first start-of-frame marker.</summary>
public static class JpegHeader
{
    /// <summary>False when the data is not a JPEG or ends before a start of frame.</summary>
    public static bool TryReadSize(ReadOnlySpan<byte> jpeg, out int width, out int height)
    {
        width = height = 0;
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            return false;
        }
        var pos = 2;
        while (pos + 4 <= jpeg.Length)
        {
            if (jpeg[pos] != 0xFF)
            {
                return false;
            }
            var marker = jpeg[pos + 1];
            if (marker == 0xFF)
            {
                // Fill bytes before a marker.
                pos++;
                continue;
            }
            if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7)
            {
                // Markers without a length.
                pos += 2;
                continue;
            }
            if (marker is 0xD9 or 0xDA)
            {
                // End of image, or entropy-coded data before any frame header.
                return false;
            }
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(pos + 2)..]);
            if (length < 2 || pos + 2 + length > jpeg.Length)
            {
                return false;
            }
            // SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                if (length < 7)
                {
                    return false;
                }
                height = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(pos + 5)..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(pos + 7)..]);
                return width > 0 && height > 0;
            }
            pos += 2 + length;
        }
        return false;
    }
}
