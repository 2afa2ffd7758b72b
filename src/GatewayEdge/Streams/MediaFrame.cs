using System.Buffers;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// One audio, video or script message of a live stream, encoded once and shared by every player.
/// The pooled buffer holds the payload wrapped as a complete FLV tag (11-byte tag header in front,
/// 4-byte PreviousTagSize behind), so HTTP-FLV players send one contiguous slice and RTMP players
/// send the payload slice behind small pre-built chunk headers. The tag header is parsed once, here,
/// into a codec-neutral <see cref="SampleHeader"/> that every muxer and recorder reads instead of the
/// tag. Each protocol's wire form is built once per frame and cached on it (RTMP chunks, MPEG-TS
/// packets, an RTP slot). Reference counted: the buffer goes back to the pool when the last holder
/// (publisher, GOP cache, player queues) releases it.
/// </summary>
public sealed class MediaFrame
{
    public const int Headroom = 11;
    public const int Tailroom = 4;

    private readonly byte[] _buffer;
    private readonly bool _pooled;
    private int _refs = 1;
    private int _wireFormBuilds;
    // Also the lock of the wire-form builds: one object fewer per frame than a separate gate.
    private readonly object?[] _forms = new object?[3];

    private MediaFrame(byte type, uint timestamp, byte[] buffer, int length, bool pooled)
    {
        Type = type;
        Timestamp = timestamp;
        _buffer = buffer;
        Length = length;
        _pooled = pooled;
        Header = FlvSampleHeaders.Read(type, buffer.AsSpan(Headroom, length));
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

    /// <summary>The codec-neutral facts of the tag, parsed once when the frame was made.</summary>
    public SampleHeader Header { get; }

    /// <summary>Audio made by the stream's <see cref="AudioBridge"/> for the players of the other family.</summary>
    public bool IsConverted { get; internal set; }

    /// <summary>A video keyframe that is not a sequence header: a GOP starts here.</summary>
    public bool IsKeyframe => Header.IsKeyframe;

    /// <summary>A decoder configuration (AVC/HEVC/AV1 record, AudioSpecificConfig, OpusHead).</summary>
    public bool IsSequenceHeader => Header.IsConfig;

    /// <summary>The frame in the codec-neutral model: header, decode time, codec bitstream (no FLV header).</summary>
    public MediaSample Sample => new(Header, Timestamp, Payload[Header.BodyOffset..]);

    /// <summary>How many wire forms were built for this frame, over all protocols (one each is the goal).</summary>
    public int WireFormBuilds => Volatile.Read(ref _wireFormBuilds);

    public ReadOnlyMemory<byte> Payload => _buffer.AsMemory(Headroom, Length);

    /// <summary>The whole FLV tag including its trailing PreviousTagSize.</summary>
    public ReadOnlyMemory<byte> FlvTag => _buffer.AsMemory(0, Headroom + Length + Tailroom);

    /// <summary>
    /// Wraps a payload that already sits at offset <see cref="Headroom"/> of a buffer rented from
    /// <see cref="ArrayPool{T}.Shared"/> with at least <see cref="Tailroom"/> spare bytes behind it.
    /// Takes ownership of the buffer.
    /// </summary>
    public static MediaFrame FromPooled(byte type, uint timestamp, byte[] buffer, int length)
    {
        if (buffer.Length < Headroom + length + Tailroom)
        {
            throw new ArgumentException("Buffer lacks head or tail room for FLV framing.", nameof(buffer));
        }
        return new MediaFrame(type, timestamp, buffer, length, pooled: true);
    }

    /// <summary>Copies a payload into a new pooled frame (used for rewritten metadata, converted ingest and tests).</summary>
    public static MediaFrame Copy(byte type, uint timestamp, ReadOnlySpan<byte> payload)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Headroom + payload.Length + Tailroom);
        payload.CopyTo(buffer.AsSpan(Headroom));
        return FromPooled(type, timestamp, buffer, payload.Length);
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

    /// <summary>
    /// This frame's wire form for <paramref name="format"/>, built by the first output that needs it
    /// and shared by all others. A cached form that <paramref name="usable"/> rejects (built for
    /// other settings) is rebuilt. <paramref name="build"/> runs at most once per frame and format.
    /// </summary>
    public T GetWireForm<T, TState>(WireFormat format, TState state, Func<MediaFrame, TState, T> build, Func<T, TState, bool> usable)
        where T : class
    {
        if (Volatile.Read(ref _forms[(int)format]) is T ready && usable(ready, state))
        {
            return ready;
        }
        lock (_forms)
        {
            if (_forms[(int)format] is not T form || !usable(form, state))
            {
                form = build(this, state);
                Interlocked.Increment(ref _wireFormBuilds);
                Volatile.Write(ref _forms[(int)format], form);
            }
            return form;
        }
    }

    /// <summary>The MPEG-TS packets of this frame from its stream's shared muxer; null until that
    /// muxer ran over the frame (it does while anyone plays the stream as MPEG-TS).</summary>
    public TsWireForm? TsForm => Volatile.Read(ref _forms[(int)WireFormat.Ts]) as TsWireForm;

    /// <summary>Set by the stream's shared TS muxer, in publish order, under the hub's lock.</summary>
    internal void SetTsForm(TsWireForm form)
    {
        Interlocked.Increment(ref _wireFormBuilds);
        Volatile.Write(ref _forms[(int)WireFormat.Ts], form);
    }

    private void WriteFlvFraming()
    {
        FlvWriter.WriteTagHeader(_buffer, Type, Length, Timestamp);
        FlvWriter.WritePreviousTagSize(_buffer.AsSpan(Headroom + Length, Tailroom), Headroom + Length);
    }
}

/// <summary>The wire forms a frame caches, one slot each.</summary>
public enum WireFormat
{
    Rtmp,
    Ts,
    Rtp,
}

public static class FrameTypes
{
    public const byte Audio = 8;
    public const byte Video = 9;
    public const byte Script = 18;
}
