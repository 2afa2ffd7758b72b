using System.Buffers;
using System.Buffers.Binary;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// Protocol control and user control messages. Writers send whole messages through a connection's
/// <see cref="RtmpChunkWriter"/> on chunk stream 2, message stream 0, timestamp 0, as the spec requires.
/// </summary>
public static class RtmpControl
{
    /// <summary>Chunk stream reserved for protocol control messages.</summary>
    public const int ChunkStreamId = 2;

    /// <summary>Sends SetChunkSize and switches the writer to the new size, in that order, since the
    /// peer applies the size to chunks after this message.</summary>
    public static void SetChunkSize(RtmpChunkWriter writer, IBufferWriter<byte> output, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, RtmpChunkReader.MaxChunkSize);
        WriteUInt32Message(writer, output, RtmpMessageType.SetChunkSize, (uint)size);
        writer.ChunkSize = size;
    }

    public static void Abort(RtmpChunkWriter writer, IBufferWriter<byte> output, uint chunkStreamId) =>
        WriteUInt32Message(writer, output, RtmpMessageType.Abort, chunkStreamId);

    public static void Acknowledgement(RtmpChunkWriter writer, IBufferWriter<byte> output, uint sequence) =>
        WriteUInt32Message(writer, output, RtmpMessageType.Acknowledgement, sequence);

    public static void WindowAckSize(RtmpChunkWriter writer, IBufferWriter<byte> output, uint size) =>
        WriteUInt32Message(writer, output, RtmpMessageType.WindowAckSize, size);

    /// <param name="limitType">See <see cref="RtmpPeerBandwidthLimit"/>.</param>
    public static void SetPeerBandwidth(RtmpChunkWriter writer, IBufferWriter<byte> output, uint size, byte limitType)
    {
        Span<byte> payload = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(payload, size);
        payload[4] = limitType;
        writer.WriteMessage(output, ChunkStreamId, 0, RtmpMessageType.SetPeerBandwidth, 0, payload);
    }

    public static void StreamBegin(RtmpChunkWriter writer, IBufferWriter<byte> output, uint streamId) =>
        UserControl(writer, output, RtmpUserControlEvent.StreamBegin, streamId);

    public static void StreamEof(RtmpChunkWriter writer, IBufferWriter<byte> output, uint streamId) =>
        UserControl(writer, output, RtmpUserControlEvent.StreamEof, streamId);

    public static void StreamDry(RtmpChunkWriter writer, IBufferWriter<byte> output, uint streamId) =>
        UserControl(writer, output, RtmpUserControlEvent.StreamDry, streamId);

    public static void StreamIsRecorded(RtmpChunkWriter writer, IBufferWriter<byte> output, uint streamId) =>
        UserControl(writer, output, RtmpUserControlEvent.StreamIsRecorded, streamId);

    public static void PingRequest(RtmpChunkWriter writer, IBufferWriter<byte> output, uint timestamp) =>
        UserControl(writer, output, RtmpUserControlEvent.PingRequest, timestamp);

    /// <summary>Answers a PingRequest, echoing its timestamp.</summary>
    public static void PingResponse(RtmpChunkWriter writer, IBufferWriter<byte> output, uint timestamp) =>
        UserControl(writer, output, RtmpUserControlEvent.PingResponse, timestamp);

    /// <summary>Client-side event: buffer length in milliseconds for a stream.</summary>
    public static void SetBufferLength(RtmpChunkWriter writer, IBufferWriter<byte> output, uint streamId, uint bufferMs)
    {
        Span<byte> payload = stackalloc byte[10];
        BinaryPrimitives.WriteUInt16BigEndian(payload, RtmpUserControlEvent.SetBufferLength);
        BinaryPrimitives.WriteUInt32BigEndian(payload.Slice(2), streamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload.Slice(6), bufferMs);
        writer.WriteMessage(output, ChunkStreamId, 0, RtmpMessageType.UserControl, 0, payload);
    }

    /// <summary>Writes a user control message with one 4-byte value (stream id or timestamp).</summary>
    public static void UserControl(RtmpChunkWriter writer, IBufferWriter<byte> output, ushort eventType, uint value)
    {
        Span<byte> payload = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(payload, eventType);
        BinaryPrimitives.WriteUInt32BigEndian(payload.Slice(2), value);
        writer.WriteMessage(output, ChunkStreamId, 0, RtmpMessageType.UserControl, 0, payload);
    }

    /// <summary>Parses a user control payload: event type and its first 4-byte value.</summary>
    public static bool TryParseUserControl(ReadOnlySpan<byte> payload, out ushort eventType, out uint value) =>
        TryParseUserControl(payload, out eventType, out value, out _);

    /// <summary>Parses a user control payload; <paramref name="value2"/> is the second value of
    /// SetBufferLength (buffer milliseconds), 0 for other events.</summary>
    public static bool TryParseUserControl(ReadOnlySpan<byte> payload, out ushort eventType, out uint value, out uint value2)
    {
        value2 = 0;
        if (payload.Length < 6)
        {
            eventType = 0;
            value = 0;
            return false;
        }

        eventType = BinaryPrimitives.ReadUInt16BigEndian(payload);
        value = BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(2));
        if (payload.Length >= 10)
        {
            value2 = BinaryPrimitives.ReadUInt32BigEndian(payload.Slice(6));
        }

        return true;
    }

    /// <summary>Parses SetPeerBandwidth: window size and limit type.</summary>
    public static bool TryParseSetPeerBandwidth(ReadOnlySpan<byte> payload, out uint size, out byte limitType)
    {
        if (payload.Length < 5)
        {
            size = 0;
            limitType = 0;
            return false;
        }

        size = ReadUInt32BE(payload);
        limitType = payload[4];
        return true;
    }

    /// <summary>Reads the 4-byte value of SetChunkSize, Abort, Acknowledgement and WindowAckSize.</summary>
    public static bool TryReadUInt32(ReadOnlySpan<byte> payload, out uint value)
    {
        if (payload.Length < 4)
        {
            value = 0;
            return false;
        }

        value = ReadUInt32BE(payload);
        return true;
    }

    /// <summary>Reads a big-endian uint from the first 4 bytes.</summary>
    public static uint ReadUInt32BE(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadUInt32BigEndian(data);

    private static void WriteUInt32Message(RtmpChunkWriter writer, IBufferWriter<byte> output, byte typeId, uint value)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        writer.WriteMessage(output, ChunkStreamId, 0, typeId, 0, payload);
    }
}
