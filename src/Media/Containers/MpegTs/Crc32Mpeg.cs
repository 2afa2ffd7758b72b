using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>CRC-32/MPEG-2 for PSI sections: polynomial 0x04C11DB7, MSB first, no reflection, no final xor.</summary>
public static class Crc32Mpeg
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = (crc << 8) ^ Table[(crc >> 24) ^ b];
        }
        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var c = i << 24;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            }
            table[i] = c;
        }
        return table;
    }
}
