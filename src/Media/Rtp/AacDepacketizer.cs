namespace OrleansLive.Media.Rtp;

/// <summary>
/// RFC 3640 mpeg4-generic payloads back to raw AAC access units: the AU-headers section (sizes, with
/// the index and index-delta fields skipped) and then the units in order. Interleaving and
/// fragmented units (AU larger than a packet) are not supported; such payloads are refused.
/// </summary>
public sealed class AacDepacketizer
{
    private readonly int _sizeLength;
    private readonly int _indexLength;
    private readonly int _indexDeltaLength;

    public AacDepacketizer(int sizeLength = AacPacketizer.SizeLength, int indexLength = AacPacketizer.IndexLength, int indexDeltaLength = AacPacketizer.IndexDeltaLength)
    {
        if (sizeLength is < 1 or > 16 || indexLength is < 0 or > 8 || indexDeltaLength is < 0 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeLength), "unsupported AU header field sizes");
        }
        (_sizeLength, _indexLength, _indexDeltaLength) = (sizeLength, indexLength, indexDeltaLength);
    }

    /// <summary>Most access units one packet may carry.</summary>
    public const int MaxUnitsPerPacket = 64;

    /// <summary>The access units of one payload (ranges in it); false when it is malformed.</summary>
    public bool TryDepacketize(ReadOnlySpan<byte> payload, List<Range> units)
    {
        units.Clear();
        if (payload.Length < 2)
        {
            return false;
        }
        var headerBits = (payload[0] << 8) | payload[1];
        var headerBytes = (headerBits + 7) / 8;
        if (headerBits == 0 || 2 + headerBytes > payload.Length)
        {
            return false;
        }
        var headers = payload.Slice(2, headerBytes);
        var data = 2 + headerBytes;
        var bit = 0;
        while (bit + _sizeLength <= headerBits)
        {
            var size = ReadBits(headers, bit, _sizeLength);
            bit += _sizeLength + (units.Count == 0 ? _indexLength : _indexDeltaLength);
            if (bit > headerBits || size == 0 || data + size > payload.Length || units.Count >= MaxUnitsPerPacket)
            {
                return false;
            }
            units.Add(new Range(data, data + size));
            data += size;
        }
        return units.Count > 0;
    }

    private static int ReadBits(ReadOnlySpan<byte> data, int bit, int count)
    {
        var value = 0;
        for (var i = 0; i < count; i++, bit++)
        {
            value = (value << 1) | ((data[bit >> 3] >> (7 - (bit & 7))) & 1);
        }
        return value;
    }
}
