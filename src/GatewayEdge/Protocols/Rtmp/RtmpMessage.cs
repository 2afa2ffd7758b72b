using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// One complete RTMP message as reassembled by <see cref="RtmpChunkReader"/>.
/// </summary>
/// <remarks>
/// Ownership: <see cref="Buffer"/> is rented from <see cref="ArrayPool{T}.Shared"/> and belongs to
/// whoever received the message. The payload sits at <see cref="Offset"/> (the reader's headroom)
/// with the reader's tailroom free after it, so a media layer can write an FLV tag header in front
/// and a trailer behind without copying. Either call <see cref="ReturnBuffer"/> when done, or take
/// the array with <see cref="TakeBuffer"/> and return it to the pool later yourself.
/// </remarks>
public sealed class RtmpMessage
{
    private byte[]? _buffer;
    private readonly bool _pooled;

    /// <param name="pooled">True when <paramref name="buffer"/> was rented from ArrayPool&lt;byte&gt;.Shared
    /// and should go back there.</param>
    public RtmpMessage(byte typeId, uint timestamp, uint streamId, int chunkStreamId, byte[] buffer, int offset, int length, bool pooled)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, buffer.Length - offset);
        TypeId = typeId;
        Timestamp = timestamp;
        StreamId = streamId;
        ChunkStreamId = chunkStreamId;
        _buffer = buffer;
        Offset = offset;
        Length = length;
        _pooled = pooled;
    }

    public byte TypeId { get; }

    /// <summary>Absolute timestamp in milliseconds (wraps at 2^32).</summary>
    public uint Timestamp { get; }

    /// <summary>Message stream id (0 for protocol control and connection commands).</summary>
    public uint StreamId { get; }

    public int ChunkStreamId { get; }

    /// <summary>The whole rented array: headroom, payload, tailroom (and pool slack).</summary>
    public byte[] Buffer => _buffer ?? throw new InvalidOperationException("The message buffer was returned or taken");

    /// <summary>Where the payload starts in <see cref="Buffer"/>.</summary>
    public int Offset { get; }

    /// <summary>Payload length.</summary>
    public int Length { get; }

    public ReadOnlySpan<byte> Payload => new(Buffer, Offset, Length);

    public ReadOnlyMemory<byte> PayloadMemory => new(Buffer, Offset, Length);

    /// <summary>Gives the buffer back to the pool. Safe to call more than once.</summary>
    public void ReturnBuffer()
    {
        var buffer = _buffer;
        _buffer = null;
        if (buffer is not null && _pooled && buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hands the array to the caller, who must then return it to the pool; the message
    /// no longer owns it.</summary>
    public byte[] TakeBuffer()
    {
        var buffer = Buffer;
        _buffer = null;
        return buffer;
    }

    public override string ToString() =>
        $"type={TypeId} ts={Timestamp} stream={StreamId} csid={ChunkStreamId} length={Length}";
}
