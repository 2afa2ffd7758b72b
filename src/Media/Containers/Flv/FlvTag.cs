
namespace OrleansLive.Media.Containers.Flv;

/// <summary>One tag read from an FLV file: type (8 audio, 9 video, 18 script), timestamp in
/// milliseconds and the tag data (a copy).</summary>
public sealed record FlvTag(byte Type, uint Timestamp, byte[] Data);
