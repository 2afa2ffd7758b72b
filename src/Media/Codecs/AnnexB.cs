using System.Buffers;
using System.Buffers.Binary;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// The H.264/HEVC byte stream format (ITU-T H.264 Annex B): NAL units behind 0x000001 start codes,
/// as MPEG-TS and MPEG-PS carry them, and conversion to and from the length-prefixed form of
/// FLV and MP4.
/// </summary>
public static class AnnexB
{
    private static ReadOnlySpan<byte> StartCode3 => [0, 0, 1];

    private static ReadOnlySpan<byte> StartCode4 => [0, 0, 0, 1];

    /// <summary>The NAL units of a byte stream, without start codes or trailing zero bytes. Bytes
    /// before the first start code are not a NAL unit and are skipped.</summary>
    public static NalEnumerator Split(ReadOnlySpan<byte> byteStream) => new(byteStream);

    /// <summary>Offset of the next three-byte start code at or after the start, or -1.</summary>
    public static int IndexOfStartCode(ReadOnlySpan<byte> data) => data.IndexOf(StartCode3);

    /// <summary>Bytes <see cref="WriteLengthPrefixed"/> writes for this byte stream.</summary>
    public static int LengthPrefixedSize(ReadOnlySpan<byte> byteStream, int lengthSize = 4)
    {
        var size = 0;
        foreach (var nal in Split(byteStream))
        {
            size += lengthSize + nal.Length;
        }

        return size;
    }

    /// <summary>Writes each NAL unit behind a big-endian length of <paramref name="lengthSize"/>
    /// bytes (1, 2 or 4); returns the NAL units written.</summary>
    public static int WriteLengthPrefixed(ReadOnlySpan<byte> byteStream, IBufferWriter<byte> output, int lengthSize = 4)
    {
        var count = 0;
        foreach (var nal in Split(byteStream))
        {
            WriteLengthPrefixedNal(nal, output, lengthSize);
            count++;
        }

        return count;
    }

    /// <summary>Writes one NAL unit behind its length; false when the length does not fit the prefix.</summary>
    public static bool WriteLengthPrefixedNal(ReadOnlySpan<byte> nal, IBufferWriter<byte> output, int lengthSize = 4)
    {
        if (lengthSize is not (1 or 2 or 4) || (lengthSize < 4 && nal.Length >= 1 << (8 * lengthSize)))
        {
            return false;
        }

        var dest = output.GetSpan(lengthSize + nal.Length);
        switch (lengthSize)
        {
            case 1:
                dest[0] = (byte)nal.Length;
                break;
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(dest, (ushort)nal.Length);
                break;
            default:
                BinaryPrimitives.WriteInt32BigEndian(dest, nal.Length);
                break;
        }

        nal.CopyTo(dest[lengthSize..]);
        output.Advance(lengthSize + nal.Length);
        return true;
    }

    /// <summary>Writes length-prefixed NAL units as a byte stream with four-byte start codes; a length
    /// that runs past the data ends the conversion. Returns the NAL units written.</summary>
    public static int WriteAnnexB(ReadOnlySpan<byte> lengthPrefixed, int lengthSize, IBufferWriter<byte> output)
    {
        var count = 0;
        while (TryReadLengthPrefixed(ref lengthPrefixed, lengthSize, out var nal))
        {
            var dest = output.GetSpan(StartCode4.Length + nal.Length);
            StartCode4.CopyTo(dest);
            nal.CopyTo(dest[StartCode4.Length..]);
            output.Advance(StartCode4.Length + nal.Length);
            count++;
        }

        return count;
    }

    /// <summary>Takes the next non-empty length-prefixed NAL unit; false at the end or when a length
    /// runs past the data.</summary>
    public static bool TryReadLengthPrefixed(ref ReadOnlySpan<byte> data, int lengthSize, out ReadOnlySpan<byte> nal)
    {
        nal = default;
        if (lengthSize is < 1 or > 4)
        {
            return false;
        }

        while (data.Length > lengthSize)
        {
            var length = 0L;
            for (var i = 0; i < lengthSize; i++)
            {
                length = (length << 8) | data[i];
            }

            if (length > data.Length - lengthSize)
            {
                break;
            }

            nal = data.Slice(lengthSize, (int)length);
            data = data[(lengthSize + (int)length)..];
            if (length > 0)
            {
                return true;
            }
        }

        data = default;
        return false;
    }

    /// <summary>Enumerates NAL units of a byte stream without allocating.</summary>
    public ref struct NalEnumerator
    {
        private ReadOnlySpan<byte> _rest;

        internal NalEnumerator(ReadOnlySpan<byte> byteStream)
        {
            var first = IndexOfStartCode(byteStream);
            _rest = first < 0 ? default : byteStream[(first + 3)..];
            Current = default;
        }

        public ReadOnlySpan<byte> Current { get; private set; }

        public readonly NalEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (!_rest.IsEmpty)
            {
                var next = IndexOfStartCode(_rest);
                ReadOnlySpan<byte> nal;
                if (next < 0)
                {
                    nal = _rest;
                    _rest = default;
                }
                else
                {
                    nal = _rest[..next];
                    _rest = _rest[(next + 3)..];
                }

                // A four-byte start code's leading zero, and trailing_zero_8bits, end the previous unit.
                nal = nal.TrimEnd((byte)0);
                if (!nal.IsEmpty)
                {
                    Current = nal;
                    return true;
                }
            }

            return false;
        }
    }
}
