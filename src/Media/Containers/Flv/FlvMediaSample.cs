using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>
/// One FLV audio or video tag body as received from RTMP, with its decode timestamp in milliseconds.
/// The muxers only read <see cref="Data"/> during the call, so callers may pass pooled memory.
/// </summary>
public readonly record struct FlvMediaSample(byte TagType, uint Timestamp, ReadOnlyMemory<byte> Data)
{
    public const byte AudioTag = 8;
    public const byte VideoTag = 9;

    public bool IsAudio => TagType == AudioTag;

    public bool IsVideo => TagType == VideoTag;
}
