using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;

namespace OrleansLive.UnitTests.Ts;

/// <summary>
/// Small real streams as FLV tag bodies: x264 64x48 Main profile (GOP of 3, one B-frame, so
/// composition offsets of 100/200 ms) and x265 64x48 Main, plus AAC-LC stereo 44.1 kHz.
/// </summary>
internal static class FlvTestVectors
{
    public const string AvcRecord = "014d400affe10015674d400af623d80880000003008000000a0789129c01000468ce0fc8";
    public const string AvcSps = "674d400af623d80880000003008000000a0789129c";
    public const string AvcPps = "68ce0fc8";

    public const string HevcRecord =
        "0101600000009000000000001ef000fcfdf8f800000f03a00001001840010c01ffff01600000030090000003000003001eba02" +
        "40a10001002742010101600000030090000003000003001ea02083165ba4a4c2f0168080000003008000000504a2000100064401c073c089";

    /// <summary>The AVC frames: timestamp (ms), FLV frame type, composition time (ms), AVCC NAL units.</summary>
    public static readonly (uint Timestamp, bool Key, int Cts, string Nalus)[] AvcFrames =
    [
        (0, true, 100, "0000001c65888403a118a000218f1c00040f63800087949c9c9d75d75d75d75e"),
        (100, false, 200, "00000006419a28014a1b"),
        (200, false, 0, "00000007019e4500950d80"),
        (300, true, 100, "0000001d6588820010a118a000284b1c000465638000a7849c9c9d75d75d75d75e"),
        (400, false, 200, "00000006419a28014a1b"),
        (500, false, 0, "00000007019e4500950d80"),
    ];

    public static readonly (uint Timestamp, bool Key, string Nalus)[] HevcFrames =
    [
        (0, true, "000000132801ac461c4bffe32fffa39c3b8153a14b0abc"),
        (100, false, "000000090201d0097882309eac"),
        (200, false, "000000090201d011fe20849eac"),
    ];

    /// <summary>AudioSpecificConfig: AAC-LC, 44.1 kHz (index 4), 2 channels.</summary>
    public static readonly byte[] AacConfig = [0x12, 0x10];

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    public static FlvMediaSample AvcSequenceHeader(uint timestamp = 0) =>
        new(FlvMediaSample.VideoTag, timestamp, Concat([0x17, 0, 0, 0, 0], Hex(AvcRecord)));

    public static FlvMediaSample AvcFrame(uint timestamp, bool key, int cts, ReadOnlySpan<byte> nalus)
    {
        byte[] header = [(byte)(key ? 0x17 : 0x27), 1, (byte)(cts >> 16), (byte)(cts >> 8), (byte)cts];
        return new(FlvMediaSample.VideoTag, timestamp, Concat(header, nalus));
    }

    public static IEnumerable<FlvMediaSample> AvcStream()
    {
        yield return AvcSequenceHeader();
        foreach (var (ts, key, cts, nalus) in AvcFrames)
        {
            yield return AvcFrame(ts, key, cts, Hex(nalus));
        }
    }

    public static FlvMediaSample HevcLegacySequenceHeader() =>
        new(FlvMediaSample.VideoTag, 0, Concat([0x1C, 0, 0, 0, 0], Hex(HevcRecord)));

    public static FlvMediaSample HevcLegacyFrame(uint timestamp, bool key, ReadOnlySpan<byte> nalus) =>
        new(FlvMediaSample.VideoTag, timestamp, Concat([(byte)(key ? 0x1C : 0x2C), 1, 0, 0, 0], nalus));

    /// <summary>Enhanced RTMP: ex header bit, frame type in bits 4-6, packet type in bits 0-3, FourCC.</summary>
    public static FlvMediaSample EnhancedVideo(uint timestamp, int frameType, int packetType, string fourCc, ReadOnlySpan<byte> body)
    {
        byte[] header = [(byte)(0x80 | (frameType << 4) | packetType), (byte)fourCc[0], (byte)fourCc[1], (byte)fourCc[2], (byte)fourCc[3]];
        return new(FlvMediaSample.VideoTag, timestamp, Concat(header, body));
    }

    public static FlvMediaSample AacSequenceHeader(uint timestamp = 0) =>
        new(FlvMediaSample.AudioTag, timestamp, Concat([0xAF, 0], AacConfig));

    public static FlvMediaSample AacFrame(uint timestamp, ReadOnlySpan<byte> raw) =>
        new(FlvMediaSample.AudioTag, timestamp, Concat([0xAF, 1], raw));

    /// <summary>A fake raw AAC frame whose bytes encode its index, so order and content can be checked.</summary>
    public static byte[] FakeAacRaw(int index, int length = 40)
    {
        var raw = new byte[length];
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = (byte)(index + i);
        }
        return raw;
    }

    public static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var result = new byte[a.Length + b.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        return result;
    }

    public static byte[] Mux(TsMuxer muxer, IEnumerable<FlvMediaSample> samples)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var sample in samples)
        {
            muxer.Write(output, sample);
        }
        return output.WrittenSpan.ToArray();
    }
}
