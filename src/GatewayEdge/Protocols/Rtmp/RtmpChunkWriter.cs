using System.Buffers;
using System.Buffers.Binary;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// Splits outgoing RTMP messages into chunks (Adobe RTMP specification, 5.3). The instance methods
/// keep per-chunk-stream header state so each message gets the smallest header the peer can
/// decode; the static ones write self-contained fmt 0 messages whose bytes can be shared by many
/// connections. Not thread-safe: one writer per connection.
/// </summary>
public sealed class RtmpChunkWriter
{
    public const int DefaultChunkSize = 128;

    /// <summary>Largest chunk header: 3-byte basic header, 11-byte message header, 4-byte extended timestamp.</summary>
    public const int MaxHeaderSize = 18;

    public const int MinChunkStreamId = 2;
    public const int MaxChunkStreamId = 65599;

    private const uint ExtendedTimestampMarker = 0xFFFFFF;
    private const int MaxMessageLength = 0xFFFFFF;

    private readonly Dictionary<int, ChunkStream> _streams = [];
    private int _chunkSize = DefaultChunkSize;

    /// <summary>Our chunk size. Change it only right after sending SetChunkSize with the same value.</summary>
    public int ChunkSize
    {
        get => _chunkSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, RtmpChunkReader.MaxChunkSize);
            _chunkSize = value;
        }
    }

    /// <summary>
    /// Writes a message, choosing the header type against the previous message on the chunk stream:
    /// fmt 0 for a new chunk stream, another message stream id or a timestamp going backwards;
    /// fmt 1 when length or type changed; fmt 2 when only the timestamp delta changed; fmt 3 otherwise.
    /// </summary>
    public void WriteMessage(IBufferWriter<byte> output, int chunkStreamId, uint timestamp, byte typeId, uint streamId, ReadOnlySpan<byte> payload)
    {
        CheckChunkStreamId(chunkStreamId);
        CheckLength(payload.Length);
        if (!_streams.TryGetValue(chunkStreamId, out var state))
        {
            state = new ChunkStream();
            _streams.Add(chunkStreamId, state);
        }

        int fmt;
        uint delta;
        if (!state.HasHeader || state.StreamId != streamId || timestamp < state.Timestamp)
        {
            // After fmt 0 the peer takes the absolute timestamp as the delta for a following fmt 3.
            fmt = 0;
            delta = timestamp;
        }
        else
        {
            delta = timestamp - state.Timestamp;
            if (state.Length != payload.Length || state.TypeId != typeId)
            {
                fmt = 1;
            }
            else
            {
                fmt = delta != state.Delta ? 2 : 3;
            }
        }

        state.HasHeader = true;
        state.Timestamp = timestamp;
        state.Delta = delta;
        state.Length = payload.Length;
        state.TypeId = typeId;
        state.StreamId = streamId;

        // The 24-bit field (or extended field) holds the absolute timestamp for fmt 0, else the delta.
        var field = fmt == 0 ? timestamp : delta;
        WriteChunks(output, fmt, chunkStreamId, field, typeId, streamId, payload, _chunkSize);
    }

    /// <summary>Forgets a chunk stream's header state so its next message starts with fmt 0, e.g. after
    /// sending shared fmt 0 bytes (<see cref="WriteMessageType0"/>) on the same chunk stream.</summary>
    public void Reset(int chunkStreamId) => _streams.Remove(chunkStreamId);

    /// <summary>
    /// Writes a message with a fmt 0 header and fmt 3 continuations only. Every chunk carries the
    /// absolute timestamp, so the bytes do not depend on connection state and can be sent to many
    /// players (that use <paramref name="chunkSize"/>).
    /// </summary>
    public static void WriteMessageType0(IBufferWriter<byte> output, int chunkStreamId, uint timestamp, byte typeId, uint streamId, ReadOnlySpan<byte> payload, int chunkSize)
    {
        CheckChunkStreamId(chunkStreamId);
        CheckLength(payload.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        WriteChunks(output, 0, chunkStreamId, timestamp, typeId, streamId, payload, chunkSize);
    }

    /// <summary>Bytes <see cref="WriteMessageType0"/> produces for these arguments.</summary>
    public static int MeasureMessageType0(int chunkStreamId, uint timestamp, int payloadLength, int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var extended = timestamp >= ExtendedTimestampMarker ? 4 : 0;
        var basic = BasicHeaderSize(chunkStreamId);
        var continuations = payloadLength == 0 ? 0 : (payloadLength - 1) / chunkSize;
        return basic + 11 + extended + continuations * (basic + extended) + payloadLength;
    }

    /// <summary>Writes a fmt 0 chunk header; returns its size.</summary>
    public static int WriteHeader0(Span<byte> dest, int chunkStreamId, uint timestamp, int length, byte typeId, uint streamId)
    {
        CheckChunkStreamId(chunkStreamId);
        CheckLength(length);
        return WriteHeader(dest, 0, chunkStreamId, timestamp, length, typeId, streamId);
    }

    /// <summary>Writes a fmt 3 chunk header; <paramref name="timestamp"/> (the value of the message's
    /// header field) only decides whether the extended timestamp is repeated. Returns its size.</summary>
    public static int WriteHeader3(Span<byte> dest, int chunkStreamId, uint timestamp)
    {
        CheckChunkStreamId(chunkStreamId);
        return WriteHeader(dest, 3, chunkStreamId, timestamp, 0, 0, 0);
    }

    /// <summary>Size of the basic header for a chunk stream id: 1, 2 or 3 bytes.</summary>
    public static int BasicHeaderSize(int chunkStreamId)
    {
        CheckChunkStreamId(chunkStreamId);
        return chunkStreamId < 64 ? 1 : chunkStreamId < 320 ? 2 : 3;
    }

    private static void WriteChunks(IBufferWriter<byte> output, int fmt, int chunkStreamId, uint field, byte typeId, uint streamId, ReadOnlySpan<byte> payload, int chunkSize)
    {
        var offset = 0;
        var first = true;
        do
        {
            var n = Math.Min(chunkSize, payload.Length - offset);
            var span = output.GetSpan(MaxHeaderSize + n);
            var h = WriteHeader(span, first ? fmt : 3, chunkStreamId, field, payload.Length, typeId, streamId);
            payload.Slice(offset, n).CopyTo(span.Slice(h));
            output.Advance(h + n);
            offset += n;
            first = false;
        }
        while (offset < payload.Length);
    }

    // field: the timestamp (fmt 0) or delta (fmt 1, 2) of the message; for fmt 3 only its size matters.
    private static int WriteHeader(Span<byte> dest, int fmt, int chunkStreamId, uint field, int length, byte typeId, uint streamId)
    {
        int p;
        if (chunkStreamId < 64)
        {
            dest[0] = (byte)(fmt << 6 | chunkStreamId);
            p = 1;
        }
        else if (chunkStreamId < 320)
        {
            dest[0] = (byte)(fmt << 6);
            dest[1] = (byte)(chunkStreamId - 64);
            p = 2;
        }
        else
        {
            dest[0] = (byte)(fmt << 6 | 1);
            dest[1] = (byte)(chunkStreamId - 64);
            dest[2] = (byte)((chunkStreamId - 64) >> 8);
            p = 3;
        }

        var extended = field >= ExtendedTimestampMarker;
        if (fmt <= 2)
        {
            WriteUInt24(dest.Slice(p), extended ? ExtendedTimestampMarker : field);
            p += 3;
            if (fmt <= 1)
            {
                WriteUInt24(dest.Slice(p), (uint)length);
                dest[p + 3] = typeId;
                p += 4;
                if (fmt == 0)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(dest.Slice(p), streamId);
                    p += 4;
                }
            }
        }

        if (extended)
        {
            BinaryPrimitives.WriteUInt32BigEndian(dest.Slice(p), field);
            p += 4;
        }

        return p;
    }

    private static void WriteUInt24(Span<byte> dest, uint value)
    {
        dest[0] = (byte)(value >> 16);
        dest[1] = (byte)(value >> 8);
        dest[2] = (byte)value;
    }

    private static void CheckChunkStreamId(int chunkStreamId)
    {
        if (chunkStreamId < MinChunkStreamId || chunkStreamId > MaxChunkStreamId)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkStreamId), chunkStreamId, "Chunk stream id must be 2..65599");
        }
    }

    private static void CheckLength(int length)
    {
        if (length < 0 || length > MaxMessageLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "RTMP message length must fit in 24 bits");
        }
    }

    // What the peer remembers about the last message header on one chunk stream.
    private sealed class ChunkStream
    {
        public bool HasHeader;
        public uint Timestamp;
        public uint Delta;
        public int Length;
        public byte TypeId;
        public uint StreamId;
    }
}
