using System.Buffers.Binary;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.Benchmarks;

/// <summary>
/// FLV tag bodies shaped like the load tool's 500 kbit/s stream: x264 640x360 High-profile parameter
/// sets, 25 fps with a keyframe every 2 s (8× an interframe), and one 64 kbit/s AAC frame, so the
/// benchmarks cost what a real publish costs per frame.
/// </summary>
public static class SyntheticMedia
{
    public const int InterframeBytes = 1912;
    public const int KeyframeBytes = InterframeBytes * 8;
    public const int AudioFrameBytes = 186;

    private static readonly byte[] Sps = Convert.FromHexString("6764001eacd940a02ff97011000003000100000300320f162d96");
    private static readonly byte[] Pps = Convert.FromHexString("68ef8fcb");

    /// <summary>AVC sequence header tag body (AVCDecoderConfigurationRecord behind the FLV video header).</summary>
    public static byte[] AvcSequenceHeader()
    {
        var body = new byte[5 + 6 + 2 + Sps.Length + 1 + 2 + Pps.Length];
        body[0] = 0x17;
        var record = body.AsSpan(5);
        record[0] = 1;
        record[1] = Sps[1];
        record[2] = Sps[2];
        record[3] = Sps[3];
        record[4] = 0xFF; // 4-byte NAL lengths
        record[5] = 0xE1; // one SPS
        BinaryPrimitives.WriteUInt16BigEndian(record[6..], (ushort)Sps.Length);
        Sps.CopyTo(record[8..]);
        record[8 + Sps.Length] = 1; // one PPS
        BinaryPrimitives.WriteUInt16BigEndian(record[(9 + Sps.Length)..], (ushort)Pps.Length);
        Pps.CopyTo(record[(11 + Sps.Length)..]);
        return body;
    }

    /// <summary>AAC sequence header: AAC LC, 44.1 kHz, stereo.</summary>
    public static byte[] AacSequenceHeader() => [0xAF, 0, 0x12, 0x10];

    /// <summary>An H.264 frame tag body of <paramref name="size"/> bytes: one IDR or non-IDR slice NAL.</summary>
    public static byte[] Video(int size, bool key)
    {
        var body = new byte[size];
        body[0] = (byte)(key ? 0x17 : 0x27);
        body[1] = 1; // AVC NALU, composition time 0
        var nal = body.AsSpan(5);
        BinaryPrimitives.WriteInt32BigEndian(nal, nal.Length - 4);
        nal[4] = (byte)(key ? 0x65 : 0x41);
        Fill(nal[5..], key ? 1 : 2);
        return body;
    }

    /// <summary>A raw AAC frame tag body.</summary>
    public static byte[] Audio()
    {
        var body = new byte[AudioFrameBytes];
        body[0] = 0xAF;
        body[1] = 1;
        Fill(body.AsSpan(2), 3);
        return body;
    }

    public static MediaFrame VideoFrame(uint timestamp, bool key) =>
        MediaFrame.Copy(FrameTypes.Video, timestamp, key ? Keyframe : Interframe);

    public static MediaFrame AudioFrame(uint timestamp) => MediaFrame.Copy(FrameTypes.Audio, timestamp, AudioBody);

    public static readonly byte[] Keyframe = Video(KeyframeBytes, key: true);

    public static readonly byte[] Interframe = Video(InterframeBytes, key: false);

    public static readonly byte[] AudioBody = Audio();

    /// <summary>
    /// One GOP (2 s) as published: 50 video frames (the first a keyframe) and the 85 AAC frames
    /// between them, in timestamp order, starting at <paramref name="start"/> ms.
    /// </summary>
    public static IEnumerable<(byte Type, uint Timestamp, byte[] Body)> Gop(uint start = 0)
    {
        var audioIndex = 0;
        for (var video = 0; video < 50; video++)
        {
            var videoTime = video * 40;
            while (audioIndex * 1024L * 1000 / 44100 < videoTime)
            {
                yield return (FrameTypes.Audio, start + (uint)(audioIndex * 1024L * 1000 / 44100), AudioBody);
                audioIndex++;
            }
            yield return (FrameTypes.Video, start + (uint)videoTime, video == 0 ? Keyframe : Interframe);
        }
    }

    /// <summary>Pseudo-random filler without zero bytes, so no start-code look-alikes appear.</summary>
    private static void Fill(Span<byte> span, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (byte)random.Next(1, 256);
        }
    }
}
