using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>Reads FLV files, for tests and tools (the server itself only writes FLV).</summary>
public static class FlvReader
{
    /// <summary>Reads the file header and PreviousTagSize0, advancing <paramref name="data"/> past them.</summary>
    /// <returns>False (consuming nothing) when the data is too short or not an FLV version 1 header.</returns>
    public static bool TryReadFileHeader(ref ReadOnlySpan<byte> data, out bool hasAudio, out bool hasVideo)
    {
        hasAudio = hasVideo = false;
        if (data.Length < FlvConstants.FileHeaderSize || data[0] != 'F' || data[1] != 'L' || data[2] != 'V' || data[3] != 1)
        {
            return false;
        }

        // The header states its own size; skip anything beyond the 9 bytes we know.
        var headerSize = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(5));
        if (headerSize < FlvConstants.FileHeaderSize || headerSize + FlvConstants.PreviousTagSizeSize > (uint)data.Length)
        {
            return false;
        }

        hasAudio = (data[4] & 0x04) != 0;
        hasVideo = (data[4] & 0x01) != 0;
        data = data.Slice((int)headerSize + FlvConstants.PreviousTagSizeSize);
        return true;
    }

    /// <summary>Reads one tag and the PreviousTagSize after it, advancing <paramref name="data"/> past them.</summary>
    /// <returns>False (consuming nothing) when the tag is not complete.</returns>
    public static bool TryReadTag(ref ReadOnlySpan<byte> data, [MaybeNullWhen(false)] out FlvTag tag)
    {
        tag = null;
        if (data.Length < FlvConstants.TagHeaderSize)
        {
            return false;
        }

        var size = data[1] << 16 | data[2] << 8 | data[3];
        var total = FlvConstants.TagHeaderSize + size + FlvConstants.PreviousTagSizeSize;
        if (data.Length < total)
        {
            return false;
        }

        // Bits 5-7 of the type byte are the reserved and filter (encryption) flags.
        var type = (byte)(data[0] & 0x1F);
        var timestamp = (uint)(data[7] << 24 | data[4] << 16 | data[5] << 8 | data[6]);
        tag = new FlvTag(type, timestamp, data.Slice(FlvConstants.TagHeaderSize, size).ToArray());
        data = data.Slice(total);
        return true;
    }
}
