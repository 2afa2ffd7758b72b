using System.Buffers.Binary;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>Builds the PAT and PMT sections (ISO/IEC 13818-1 2.4.4) for the single program.</summary>
internal static class TsTables
{
    public const int ProgramNumber = 1;
    public const int MaxSectionSize = 64;

    public static int WritePat(Span<byte> section, int pmtPid)
    {
        section[0] = 0x00; // table_id: program_association_section
        // section_length: 5 header bytes after it, one 4-byte program entry, CRC.
        WriteSectionLength(section, 5 + 4 + 4);
        BinaryPrimitives.WriteUInt16BigEndian(section[3..], 1); // transport_stream_id
        section[5] = 0xC1; // version 0, current_next_indicator
        section[6] = 0;
        section[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(section[8..], ProgramNumber);
        BinaryPrimitives.WriteUInt16BigEndian(section[10..], (ushort)(0xE000 | pmtPid));
        return AppendCrc(section, 12);
    }

    /// <summary>Writes the PMT; a stream type of 0 leaves that elementary stream out.</summary>
    public static int WritePmt(Span<byte> section, int version, int pcrPid, byte videoType, int videoPid, byte audioType, int audioPid)
    {
        var streams = (videoType != 0 ? 1 : 0) + (audioType != 0 ? 1 : 0);
        section[0] = 0x02; // table_id: TS_program_map_section
        WriteSectionLength(section, 9 + (5 * streams) + 4);
        BinaryPrimitives.WriteUInt16BigEndian(section[3..], ProgramNumber);
        section[5] = (byte)(0xC1 | ((version & 0x1F) << 1));
        section[6] = 0;
        section[7] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(section[8..], (ushort)(0xE000 | pcrPid));
        BinaryPrimitives.WriteUInt16BigEndian(section[10..], 0xF000); // program_info_length 0
        var at = 12;
        at = WriteStream(section, at, videoType, videoPid);
        at = WriteStream(section, at, audioType, audioPid);
        return AppendCrc(section, at);
    }

    private static int WriteStream(Span<byte> section, int at, byte streamType, int pid)
    {
        if (streamType == 0)
        {
            return at;
        }
        section[at] = streamType;
        BinaryPrimitives.WriteUInt16BigEndian(section[(at + 1)..], (ushort)(0xE000 | pid));
        BinaryPrimitives.WriteUInt16BigEndian(section[(at + 3)..], 0xF000); // ES_info_length 0
        return at + 5;
    }

    private static void WriteSectionLength(Span<byte> section, int length)
    {
        // section_syntax_indicator 1, '0', reserved '11', 12-bit length.
        section[1] = (byte)(0xB0 | ((length >> 8) & 0x0F));
        section[2] = (byte)length;
    }

    private static int AppendCrc(Span<byte> section, int length)
    {
        BinaryPrimitives.WriteUInt32BigEndian(section[length..], Crc32Mpeg.Compute(section[..length]));
        return length + 4;
    }
}
