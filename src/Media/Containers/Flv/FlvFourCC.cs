using System.Buffers.Binary;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>Codec FourCCs of Enhanced RTMP, as big-endian integers of their four ASCII bytes.</summary>
public static class FlvFourCC
{
    public const uint Avc1 = 0x61766331; // "avc1"
    public const uint Hvc1 = 0x68766331; // "hvc1"
    public const uint Av01 = 0x61763031; // "av01"
    public const uint Vp09 = 0x76703039; // "vp09"
    public const uint Vp08 = 0x76703038; // "vp08"
    public const uint Opus = 0x4F707573; // "Opus"
    public const uint Mp4a = 0x6D703461; // "mp4a"
    public const uint Mp3 = 0x2E6D7033; // ".mp3"
    public const uint Flac = 0x664C6143; // "fLaC"
    public const uint Ac3 = 0x61632D33; // "ac-3"
    public const uint Eac3 = 0x65632D33; // "ec-3"

    /// <summary>Reads a FourCC at <paramref name="offset"/>; 0 when the data is too short.</summary>
    public static uint Read(ReadOnlySpan<byte> data, int offset) =>
        data.Length >= offset + 4 ? BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset)) : 0;
}
