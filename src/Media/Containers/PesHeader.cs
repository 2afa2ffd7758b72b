using System.Buffers.Binary;

namespace OrleansLive.Media.Containers;

/// <summary>
/// The header of a PES packet (ISO/IEC 13818-1 2.4.3.6) as MPEG-TS and MPEG-PS carry it: stream id,
/// PES_packet_length (0: unbounded, video in TS only) and the 33-bit PTS/DTS.
/// </summary>
/// <param name="PayloadOffset">Where the elementary stream bytes start.</param>
public readonly record struct PesHeader(byte StreamId, int PacketLength, long? Pts, long? Dts, int PayloadOffset)
{
    public const int MinSize = 9;

    /// <summary>
    /// Parses the start code, the '10' marker of the optional header and its timestamps, whose marker
    /// bits must be set. Stream ids without the optional header (padding, private stream 2, maps)
    /// parse with no timestamps. False for anything malformed.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> pes, out PesHeader header)
    {
        header = default;
        if (pes.Length < 6 || pes[0] != 0 || pes[1] != 0 || pes[2] != 1 || pes[3] < 0xBC)
        {
            return false;
        }

        var streamId = pes[3];
        int packetLength = BinaryPrimitives.ReadUInt16BigEndian(pes[4..]);
        if (streamId is 0xBC or 0xBE or 0xBF or 0xF0 or 0xF1 or 0xF2 or 0xF8 or 0xFF)
        {
            header = new PesHeader(streamId, packetLength, null, null, 6);
            return true;
        }

        if (pes.Length < MinSize || (pes[6] & 0xC0) != 0x80)
        {
            return false;
        }

        var flags = pes[7] >> 6;
        var offset = MinSize + pes[8];
        var needed = flags switch { 2 => 5, 3 => 10, _ => 0 };
        if (flags == 1 || pes[8] < needed || offset > pes.Length || (packetLength != 0 && offset > 6 + packetLength))
        {
            return false;
        }

        long? pts = null, dts = null;
        if (flags >= 2)
        {
            if (!TryReadTimestamp(pes[9..], out var value))
            {
                return false;
            }

            pts = value;
            dts = value;
        }

        if (flags == 3)
        {
            if (!TryReadTimestamp(pes[14..], out var value))
            {
                return false;
            }

            dts = value;
        }

        header = new PesHeader(streamId, packetLength, pts, dts, offset);
        return true;
    }

    /// <summary>A 33-bit timestamp split 3+15+15 behind a 4-bit prefix, each part closed by a marker bit.</summary>
    private static bool TryReadTimestamp(ReadOnlySpan<byte> b, out long value)
    {
        value = ((long)(b[0] & 0x0E) << 29) | ((long)b[1] << 22) | ((long)(b[2] & 0xFE) << 14) | ((long)b[3] << 7) | ((long)b[4] >> 1);
        return (b[0] & 1) != 0 && (b[2] & 1) != 0 && (b[4] & 1) != 0;
    }
}
