using System.Buffers;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// One audio, video or script message of a live stream, encoded once and shared by every player.
/// The pooled buffer holds the payload wrapped as a complete FLV tag (11-byte tag header in front,
/// 4-byte PreviousTagSize behind), so HTTP-FLV players send one contiguous slice and RTMP players
/// send the payload slice behind small pre-built chunk headers. Reference counted: the buffer goes
/// back to the pool when the last holder (publisher, GOP cache, player queues) releases it.
/// </summary>
public sealed class MediaFrame
{
    public const int Headroom = 11;
    public const int Tailroom = 4;

    private readonly byte[] _buffer;
    private readonly bool _pooled;
    private int _refs = 1;
    private RtmpWireForm? _rtmp;

    private MediaFrame(byte type, uint timestamp, byte[] buffer, int length, bool pooled)
    {
        Type = type;
        Timestamp = timestamp;
        _buffer = buffer;
        Length = length;
        _pooled = pooled;
        WriteFlvFraming();
    }

    /// <summary>RTMP message type: 8 audio, 9 video, 18 script data.</summary>
    public byte Type { get; }

    public uint Timestamp { get; }

    /// <summary>Payload size in bytes (the FLV tag's data size).</summary>
    public int Length { get; }

    public bool IsVideo => Type == FrameTypes.Video;

    public bool IsAudio => Type == FrameTypes.Audio;

    public bool IsScript => Type == FrameTypes.Script;

    /// <summary>A video keyframe that is not a sequence header: a GOP starts here.</summary>
    public bool IsKeyframe { get; init; }

    /// <summary>An AVC/HEVC/AAC sequence header (decoder configuration).</summary>
    public bool IsSequenceHeader { get; init; }

    public ReadOnlyMemory<byte> Payload => _buffer.AsMemory(Headroom, Length);

    /// <summary>The whole FLV tag including its trailing PreviousTagSize.</summary>
    public ReadOnlyMemory<byte> FlvTag => _buffer.AsMemory(0, Headroom + Length + Tailroom);

    /// <summary>
    /// Wraps a payload that already sits at offset <see cref="Headroom"/> of a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/> with at least <see cref="Tailroom"/> spare bytes behind it.
    /// Takes ownership of the buffer.
    /// </summary>
    public static MediaFrame FromPooled(byte type, uint timestamp, byte[] buffer, int length, bool keyframe, bool sequenceHeader)
    {
        if (buffer.Length < Headroom + length + Tailroom)
        {
            throw new ArgumentException("Buffer lacks head or tail room for FLV framing.", nameof(buffer));
        }
        return new MediaFrame(type, timestamp, buffer, length, pooled: true)
        {
            IsKeyframe = keyframe,
            IsSequenceHeader = sequenceHeader,
        };
    }

    /// <summary>Copies a payload into a new pooled frame (used for rewritten metadata and tests).</summary>
    public static MediaFrame Copy(byte type, uint timestamp, ReadOnlySpan<byte> payload, bool keyframe = false, bool sequenceHeader = false)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Headroom + payload.Length + Tailroom);
        payload.CopyTo(buffer.AsSpan(Headroom));
        return FromPooled(type, timestamp, buffer, payload.Length, keyframe, sequenceHeader);
    }

    public MediaFrame AddRef()
    {
        if (Interlocked.Increment(ref _refs) <= 1)
        {
            throw new InvalidOperationException("MediaFrame used after its last release.");
        }
        return this;
    }

    public void Release()
    {
        var left = Interlocked.Decrement(ref _refs);
        if (left == 0 && _pooled)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        else if (left < 0)
        {
            throw new InvalidOperationException("MediaFrame released more often than referenced.");
        }
    }

    /// <summary>The RTMP chunked form for players, built on first use and then shared.</summary>
    public RtmpWireForm GetRtmpForm(int chunkSize)
    {
        var form = Volatile.Read(ref _rtmp);
        if (form is not null && form.ChunkSize == chunkSize)
        {
            return form;
        }
        form = RtmpWireForm.Build(this, _buffer, chunkSize);
        Volatile.Write(ref _rtmp, form);
        return form;
    }

    private void WriteFlvFraming()
    {
        FlvWriter.WriteTagHeader(_buffer, Type, Length, Timestamp);
        FlvWriter.WritePreviousTagSize(_buffer.AsSpan(Headroom + Length, Tailroom), Headroom + Length);
    }
}

public static class FrameTypes
{
    public const byte Audio = 8;
    public const byte Video = 9;
    public const byte Script = 18;
}
