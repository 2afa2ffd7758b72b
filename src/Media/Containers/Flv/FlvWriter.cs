using System.Buffers.Binary;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>Writes FLV framing into caller-provided spans, so tags can be framed in place around
/// payloads that already sit in a buffer (see RtmpMessage headroom and tailroom).</summary>
public static class FlvWriter
{
    /// <summary>Writes the 9-byte file header and PreviousTagSize0 (13 bytes in all).</summary>
    public static void WriteFileHeader(Span<byte> dest13, bool hasAudio, bool hasVideo)
    {
        dest13 = dest13.Slice(0, FlvConstants.FileHeaderSize + FlvConstants.PreviousTagSizeSize);
        dest13[0] = (byte)'F';
        dest13[1] = (byte)'L';
        dest13[2] = (byte)'V';
        dest13[3] = 1;
        dest13[4] = (byte)((hasAudio ? 0x04 : 0) | (hasVideo ? 0x01 : 0));
        BinaryPrimitives.WriteUInt32BigEndian(dest13.Slice(5), FlvConstants.FileHeaderSize);
        BinaryPrimitives.WriteUInt32BigEndian(dest13.Slice(9), 0);
    }

    /// <summary>Writes an 11-byte tag header: the timestamp's low 24 bits, then its high 8 bits in
    /// the extended byte; stream id 0.</summary>
    public static void WriteTagHeader(Span<byte> dest11, byte tagType, int dataSize, uint timestamp)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataSize, 0xFFFFFF);
        dest11 = dest11.Slice(0, FlvConstants.TagHeaderSize);
        dest11[0] = tagType;
        dest11[1] = (byte)(dataSize >> 16);
        dest11[2] = (byte)(dataSize >> 8);
        dest11[3] = (byte)dataSize;
        dest11[4] = (byte)(timestamp >> 16);
        dest11[5] = (byte)(timestamp >> 8);
        dest11[6] = (byte)timestamp;
        dest11[7] = (byte)(timestamp >> 24);
        dest11[8] = 0;
        dest11[9] = 0;
        dest11[10] = 0;
    }

    /// <summary>Writes the size of the tag just written (header + data, i.e. 11 + data size).</summary>
    public static void WritePreviousTagSize(Span<byte> dest4, int size) =>
        BinaryPrimitives.WriteInt32BigEndian(dest4, size);
}
