namespace OrleansLive.Media.Codecs;

/// <summary>
/// AV1 open bitstream units in the low-overhead format (AV1 spec 5.2, 5.3): each OBU's header and
/// LEB128 size, enough to walk a temporal unit and tell a keyframe (a sequence header followed by a
/// key frame header) from other frames.
/// </summary>
public static class Av1Obu
{
    public const int SequenceHeader = 1;
    public const int TemporalDelimiter = 2;
    public const int FrameHeader = 3;
    public const int Frame = 6;
    public const int TileList = 8;
    public const int Padding = 15;

    /// <summary>Takes the next OBU: its type and payload (after header and size). An OBU without a
    /// size field runs to the end of the data. False at the end or when the data is malformed.</summary>
    public static bool TryRead(ref ReadOnlySpan<byte> data, out int type, out ReadOnlySpan<byte> payload)
    {
        type = 0;
        payload = default;
        if (data.IsEmpty || (data[0] & 0x80) != 0)
        {
            return false; // forbidden bit
        }

        type = (data[0] >> 3) & 0x0F;
        var header = (data[0] & 0x04) != 0 ? 2 : 1; // obu_extension_flag
        var hasSize = (data[0] & 0x02) != 0;
        if (data.Length < header)
        {
            return false;
        }

        if (!hasSize)
        {
            payload = data[header..];
            data = default;
            return true;
        }

        if (!TryReadLeb128(data[header..], out var size, out var sizeLength) || size > (ulong)(data.Length - header - sizeLength))
        {
            return false;
        }

        payload = data.Slice(header + sizeLength, (int)size);
        data = data[(header + sizeLength + (int)size)..];
        return true;
    }

    /// <summary>Unsigned LEB128 of at most 8 bytes (AV1 spec 4.10.5).</summary>
    public static bool TryReadLeb128(ReadOnlySpan<byte> data, out ulong value, out int length)
    {
        value = 0;
        for (length = 0; length < 8 && length < data.Length; length++)
        {
            value |= (ulong)(data[length] & 0x7F) << (7 * length);
            if ((data[length] & 0x80) == 0)
            {
                length++;
                return true;
            }
        }

        return false;
    }

    /// <summary>Bytes of <paramref name="value"/> as LEB128.</summary>
    public static int Leb128Size(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    /// <summary>Writes <paramref name="value"/> as LEB128 (the fewest bytes); returns the bytes written.</summary>
    public static int WriteLeb128(Span<byte> destination, int value)
    {
        var at = 0;
        var v = (uint)value;
        while (v >= 0x80)
        {
            destination[at++] = (byte)(0x80 | (v & 0x7F));
            v >>= 7;
        }

        destination[at++] = (byte)v;
        return at;
    }

    /// <summary>
    /// True when the temporal unit carries a sequence header and its first frame is a shown key frame
    /// (show_existing_frame 0, frame_type KEY_FRAME), or the sequence uses reduced still picture headers,
    /// whose every frame is one: where a decoder can join the stream.
    /// </summary>
    public static bool IsKeyframe(ReadOnlySpan<byte> temporalUnit)
    {
        var sequenceHeader = false;
        var reducedStillPicture = false;
        while (TryRead(ref temporalUnit, out var type, out var payload))
        {
            switch (type)
            {
                case SequenceHeader when !payload.IsEmpty:
                    sequenceHeader = true;
                    reducedStillPicture = (payload[0] & 0x08) != 0; // seq_profile(3) still_picture(1) reduced(1)
                    break;
                case FrameHeader or Frame:
                    if (!sequenceHeader || payload.IsEmpty)
                    {
                        return false;
                    }

                    return reducedStillPicture || (payload[0] & 0xE0) == 0; // show_existing_frame(1) frame_type(2)
            }
        }

        return false;
    }
}
