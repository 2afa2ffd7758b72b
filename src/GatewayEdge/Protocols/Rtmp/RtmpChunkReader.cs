using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// Reassembles RTMP messages from the chunk stream a peer sends (Adobe RTMP specification, 5.3).
/// Not thread-safe: one reader per connection, fed in order.
/// </summary>
/// <remarks>
/// The reader only parses: protocol control messages come out like any other message, and the
/// caller applies them, e.g. calls <see cref="SetChunkSize"/> on SetChunkSize (type 1) and
/// <see cref="Abort"/> on Abort (type 2) before reading the next message.
/// </remarks>
public sealed class RtmpChunkReader : IDisposable
{
    public const int DefaultChunkSize = 128;
    public const int MaxChunkSize = 0xFFFFFF;

    /// <summary>Most chunk streams that may have a message partly received at once.</summary>
    public const int MaxPartialMessages = 64;

    /// <summary>Most distinct chunk stream ids one connection may use (real peers use a handful);
    /// bounds the per-connection header state a hostile peer can make us keep.</summary>
    public const int MaxChunkStreams = 1024;

    private const int LowStreamCount = 64;
    private const uint ExtendedTimestampMarker = 0xFFFFFF;

    // One-byte basic header ids (2..63) are what peers use in practice: index them directly.
    private readonly ChunkStream?[] _lowStreams = new ChunkStream?[LowStreamCount];
    private Dictionary<int, ChunkStream>? _highStreams;
    private int _streamCount;
    private int _partialMessages;
    private long _partialBytes;
    private bool _disposed;

    public RtmpChunkReader(int headroom = 0, int tailroom = 0, int maxMessageLength = 8 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        ArgumentOutOfRangeException.ThrowIfNegative(tailroom);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxMessageLength, MaxChunkSize);
        Headroom = headroom;
        Tailroom = tailroom;
        MaxMessageLength = maxMessageLength;
    }

    /// <summary>Free bytes left in front of each payload in its buffer.</summary>
    public int Headroom { get; }

    /// <summary>Free bytes left after each payload in its buffer.</summary>
    public int Tailroom { get; }

    public int MaxMessageLength { get; }

    /// <summary>The peer's chunk size, which governs how its messages are split.</summary>
    public int ChunkSize { get; private set; } = DefaultChunkSize;

    /// <summary>Total bytes consumed from the peer, for acknowledgements.</summary>
    public long BytesConsumed { get; private set; }

    /// <summary>Applies a SetChunkSize received from the peer.</summary>
    /// <exception cref="RtmpProtocolException">The size is outside 1..0xFFFFFF.</exception>
    public void SetChunkSize(int size)
    {
        if (size < 1 || size > MaxChunkSize)
        {
            throw new RtmpProtocolException($"Invalid RTMP chunk size {size} (must be 1..{MaxChunkSize})");
        }

        ChunkSize = size;
    }

    /// <summary>Applies an Abort message: drops the partly received message on a chunk stream.</summary>
    public void Abort(int chunkStreamId)
    {
        var stream = Find(chunkStreamId);
        if (stream?.Buffer is not null)
        {
            DropPartial(stream);
        }
    }

    /// <summary>
    /// Consumes whole chunks from <paramref name="buffer"/> until a message completes. On return
    /// <paramref name="buffer"/> is sliced past every chunk consumed; an incomplete chunk stays in it.
    /// </summary>
    /// <returns>True with a message (which the caller now owns); false when more data is needed.</returns>
    /// <exception cref="RtmpProtocolException">The peer broke the chunk protocol; drop the connection.</exception>
    public bool TryReadMessage(ref ReadOnlySequence<byte> buffer, [MaybeNullWhen(false)] out RtmpMessage message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = new SequenceReader<byte>(buffer);
        var committed = 0L;
        message = null;
        try
        {
            while (TryReadChunk(ref reader, out message))
            {
                committed = reader.Consumed;
                if (message is not null)
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            if (committed > 0)
            {
                buffer = buffer.Slice(committed);
                BytesConsumed += committed;
            }
        }
    }

    /// <summary>Returns the buffers of partly received messages to the pool.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var stream in _lowStreams)
        {
            if (stream?.Buffer is not null)
            {
                DropPartial(stream);
            }
        }

        if (_highStreams is not null)
        {
            foreach (var stream in _highStreams.Values)
            {
                if (stream.Buffer is not null)
                {
                    DropPartial(stream);
                }
            }
        }
    }

    // Reads one chunk if it is entirely available. Returns false (consuming nothing that counts:
    // the caller only commits positions after true) when it is not. Sets message when the chunk
    // completes one. State changes happen only once the whole chunk is known to be present.
    private bool TryReadChunk(ref SequenceReader<byte> reader, out RtmpMessage? message)
    {
        message = null;

        // Basic header: fmt in the top two bits, chunk stream id in 1, 2 or 3 bytes.
        if (!reader.TryRead(out var b0))
        {
            return false;
        }

        var fmt = b0 >> 6;
        var csid = b0 & 0x3F;
        if (csid == 0)
        {
            if (!reader.TryRead(out var b1))
            {
                return false;
            }

            csid = 64 + b1;
        }
        else if (csid == 1)
        {
            if (!reader.TryRead(out var b1) || !reader.TryRead(out var b2))
            {
                return false;
            }

            csid = 64 + b1 + (b2 << 8);
        }

        var stream = Find(csid);
        if (fmt != 0 && (stream is null || !stream.HasHeader))
        {
            throw new RtmpProtocolException($"RTMP chunk with fmt {fmt} on chunk stream {csid}, which has no previous header");
        }

        // Message header: 11, 7, 3 or 0 bytes depending on fmt.
        var headerLength = fmt switch { 0 => 11, 1 => 7, 2 => 3, _ => 0 };
        Span<byte> header = stackalloc byte[11];
        if (!reader.TryCopyTo(header.Slice(0, headerLength)))
        {
            return false;
        }

        reader.Advance(headerLength);

        uint timestampField = 0;
        int length = stream?.Length ?? 0;
        byte typeId = stream?.TypeId ?? 0;
        uint streamId = stream?.StreamId ?? 0;
        if (fmt <= 2)
        {
            timestampField = ReadUInt24(header);
        }

        if (fmt <= 1)
        {
            length = (int)ReadUInt24(header.Slice(3));
            typeId = header[6];
        }

        if (fmt == 0)
        {
            streamId = BinaryPrimitives.ReadUInt32LittleEndian(header.Slice(7));
        }

        var inProgress = stream?.Buffer is not null;

        // Extended timestamp: present when the 24-bit field is saturated, and repeated on fmt 3
        // chunks of a chunk stream whose last header used it.
        var extended = fmt <= 2 ? timestampField == ExtendedTimestampMarker : stream!.HasExtendedTimestamp;
        uint extendedValue = 0;
        if (extended)
        {
            if (fmt == 3 && inProgress)
            {
                // Continuation chunk: some encoders leave the repeat out, so only take the four
                // bytes when they match the value the header carried.
                Span<byte> expected = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(expected, stream!.ExtendedTimestamp);
                var available = (int)Math.Min(4, reader.Remaining);
                Span<byte> actual = stackalloc byte[4];
                reader.TryCopyTo(actual.Slice(0, available));
                if (actual.Slice(0, available).SequenceEqual(expected.Slice(0, available)))
                {
                    if (available < 4)
                    {
                        return false;
                    }

                    reader.Advance(4);
                    extendedValue = stream.ExtendedTimestamp;
                }
                else
                {
                    extended = false;
                }
            }
            else
            {
                if (!reader.TryReadBigEndian(out int value))
                {
                    return false;
                }

                extendedValue = (uint)value;
            }
        }

        int chunkPayload;
        if (inProgress)
        {
            // A full header in the middle of a message is tolerated only if it changes nothing
            // that matters for reassembly.
            if (fmt <= 1 && length != stream!.Length)
            {
                throw new RtmpProtocolException(
                    $"RTMP chunk stream {csid} changed message length from {stream.Length} to {length} mid-message");
            }

            chunkPayload = Math.Min(ChunkSize, stream!.Length - stream.Received);
        }
        else
        {
            if (length > MaxMessageLength)
            {
                throw new RtmpProtocolException($"RTMP message length {length} exceeds the limit of {MaxMessageLength}");
            }

            chunkPayload = Math.Min(ChunkSize, length);
            if (chunkPayload < length)
            {
                CheckPartialLimits(length);
            }
        }

        if (reader.Remaining < chunkPayload)
        {
            return false;
        }

        // The whole chunk is here: commit.
        stream ??= Create(csid);
        if (!inProgress)
        {
            StartMessage(stream, fmt, timestampField, extended, extendedValue, length, typeId, streamId);
            if (length == 0)
            {
                message = Complete(stream);
                return true;
            }

            if (chunkPayload < length)
            {
                stream.CountedPartial = true;
                _partialMessages++;
                _partialBytes += length;
            }
        }

        Reserve(stream, chunkPayload);
        var target = stream.Buffer!.AsSpan(Headroom + stream.Received, chunkPayload);
        reader.TryCopyTo(target);
        reader.Advance(chunkPayload);
        stream.Received += chunkPayload;
        if (stream.Received == stream.Length)
        {
            message = Complete(stream);
        }

        return true;
    }

    private void StartMessage(ChunkStream stream, int fmt, uint timestampField, bool extended, uint extendedValue, int length, byte typeId, uint streamId)
    {
        var field = extended ? extendedValue : timestampField;
        unchecked
        {
            switch (fmt)
            {
                case 0:
                    // Absolute timestamp; per the spec a following fmt 3 message reuses it as its delta.
                    stream.Timestamp = field;
                    stream.TimestampDelta = field;
                    break;
                case 1:
                case 2:
                    stream.TimestampDelta = field;
                    stream.Timestamp += field;
                    break;
                default:
                    stream.Timestamp += stream.TimestampDelta;
                    break;
            }
        }

        if (fmt <= 2)
        {
            stream.HasExtendedTimestamp = extended;
            stream.ExtendedTimestamp = extendedValue;
        }

        stream.HasHeader = true;
        stream.Length = length;
        stream.TypeId = typeId;
        stream.StreamId = streamId;
        stream.Received = 0;
        // Not the announced length at once: a peer could announce 8 MiB messages on a few chunk streams for a few dozen
        // bytes. The buffer grows with what arrives (Reserve), so it stays within twice the bytes received.
        stream.Buffer = ArrayPool<byte>.Shared.Rent(Headroom + Math.Min(length, InitialBuffer) + Tailroom);
    }

    /// <summary>What a message's buffer starts at; the payloads of most audio and many video messages fit.</summary>
    private const int InitialBuffer = 4096;

    /// <summary>Grows the message's buffer (doubling, at most to the whole message) to take the next chunk.</summary>
    private void Reserve(ChunkStream stream, int chunkPayload)
    {
        var buffer = stream.Buffer!;
        var needed = stream.Received + chunkPayload;
        if (Headroom + needed + Tailroom <= buffer.Length)
        {
            return;
        }
        var size = Math.Min(stream.Length, Math.Max(needed, 2 * (buffer.Length - Headroom - Tailroom)));
        var grown = ArrayPool<byte>.Shared.Rent(Headroom + size + Tailroom);
        buffer.AsSpan(Headroom, stream.Received).CopyTo(grown.AsSpan(Headroom));
        stream.Buffer = grown;
        ArrayPool<byte>.Shared.Return(buffer);
    }

    private RtmpMessage Complete(ChunkStream stream)
    {
        var buffer = stream.Buffer!;
        stream.Buffer = null;
        if (stream.CountedPartial)
        {
            stream.CountedPartial = false;
            _partialMessages--;
            _partialBytes -= stream.Length;
        }

        return new RtmpMessage(stream.TypeId, stream.Timestamp, stream.StreamId, stream.ChunkStreamId, buffer, Headroom, stream.Length, pooled: true);
    }

    private void DropPartial(ChunkStream stream)
    {
        var buffer = stream.Buffer!;
        stream.Buffer = null;
        stream.Received = 0;
        if (stream.CountedPartial)
        {
            stream.CountedPartial = false;
            _partialMessages--;
            _partialBytes -= stream.Length;
        }

        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void CheckPartialLimits(int length)
    {
        if (_partialMessages >= MaxPartialMessages)
        {
            throw new RtmpProtocolException($"More than {MaxPartialMessages} RTMP chunk streams with partial messages");
        }

        if (_partialBytes + length > 2L * MaxMessageLength)
        {
            throw new RtmpProtocolException(
                $"RTMP partial messages would hold {_partialBytes + length} bytes, over the limit of {2L * MaxMessageLength}");
        }
    }

    private ChunkStream? Find(int csid)
    {
        // Unsigned: an Abort names any 32-bit value, which may come out negative here.
        if ((uint)csid < LowStreamCount)
        {
            return _lowStreams[csid];
        }

        return _highStreams is not null && _highStreams.TryGetValue(csid, out var stream) ? stream : null;
    }

    private ChunkStream Create(int csid)
    {
        if (_streamCount >= MaxChunkStreams)
        {
            throw new RtmpProtocolException($"More than {MaxChunkStreams} RTMP chunk streams in use");
        }

        var stream = new ChunkStream(csid);
        if (csid < LowStreamCount)
        {
            _lowStreams[csid] = stream;
        }
        else
        {
            (_highStreams ??= []).Add(csid, stream);
        }

        _streamCount++;
        return stream;
    }

    private static uint ReadUInt24(ReadOnlySpan<byte> span) => (uint)(span[0] << 16 | span[1] << 8 | span[2]);

    // Header state of one chunk stream, plus the message being reassembled on it.
    private sealed class ChunkStream(int chunkStreamId)
    {
        public readonly int ChunkStreamId = chunkStreamId;
        public bool HasHeader;
        public uint Timestamp;
        public uint TimestampDelta;
        public int Length;
        public byte TypeId;
        public uint StreamId;
        public bool HasExtendedTimestamp;
        public uint ExtendedTimestamp;
        public byte[]? Buffer;
        public int Received;
        public bool CountedPartial;
    }
}
