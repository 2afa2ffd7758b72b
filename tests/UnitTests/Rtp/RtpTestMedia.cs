using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using OrleansLive.UnitTests.Ts;

namespace OrleansLive.UnitTests.Rtp;

/// <summary>NAL units and packet helpers shared by the RTP tests: real parameter sets from the x264
/// and x265 test vectors, slices of chosen size filled with a recognisable pattern.</summary>
internal static class RtpTestMedia
{
    public static readonly byte[] AvcSps = Convert.FromHexString(FlvTestVectors.AvcSps);
    public static readonly byte[] AvcPps = Convert.FromHexString(FlvTestVectors.AvcPps);

    public static (byte[] Vps, byte[] Sps, byte[] Pps) HevcParameterSets()
    {
        Assert.True(VideoDecoderConfig.TryParse(VideoCodecId.H265, Convert.FromHexString(FlvTestVectors.HevcRecord), out var record));
        var nals = new List<byte[]>();
        foreach (var nal in AnnexB.Split(record.ParameterSetsAnnexB))
        {
            nals.Add(nal.ToArray());
        }

        return (nals[0], nals[1], nals[2]);
    }

    /// <summary>An H.264 NAL unit: header byte then a counting pattern.</summary>
    public static byte[] Avc(int type, int size, int seed = 0) => Nal([(byte)(0x60 | type)], size, seed);

    /// <summary>An H.265 NAL unit: two-byte header (layer 0, TID 1) then a counting pattern.</summary>
    public static byte[] Hevc(int type, int size, int seed = 0) => Nal([(byte)(type << 1), 0x01], size, seed);

    private static byte[] Nal(byte[] header, int size, int seed)
    {
        var nal = new byte[size];
        header.CopyTo(nal, 0);
        for (var i = header.Length; i < size; i++)
        {
            nal[i] = (byte)(seed + (i * 7));
        }

        return nal;
    }

    public static List<ReadOnlyMemory<byte>> Memories(params byte[][] nals) => [.. nals.Select(n => (ReadOnlyMemory<byte>)n)];

    public static byte[] Avcc(params byte[][] nals)
    {
        var data = new List<byte>();
        foreach (var nal in nals)
        {
            data.AddRange([(byte)(nal.Length >> 24), (byte)(nal.Length >> 16), (byte)(nal.Length >> 8), (byte)nal.Length]);
            data.AddRange(nal);
        }

        return [.. data];
    }

    /// <summary>Packets for several access units, sequence numbers running on across them.</summary>
    public static List<byte[]> Packets(ushort firstSequence, params (uint Timestamp, List<byte[]> Payloads)[] units)
    {
        var packets = new List<byte[]>();
        foreach (var (timestamp, payloads) in units)
        {
            packets.AddRange(RtpPacketBuilder.Build(payloads, 96, timestamp, 0x1234, (ushort)(firstSequence + packets.Count)));
        }

        return packets;
    }
}
