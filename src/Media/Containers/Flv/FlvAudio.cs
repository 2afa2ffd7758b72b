
namespace OrleansLive.Media.Containers.Flv;

/// <summary>
/// Facts about FLV/RTMP audio tag data (the message payload): the legacy header (sound format,
/// rate, size and type in the first byte; AAC then carries a packet type byte) and Enhanced
/// RTMP's (sound format 9, packet type in the low nibble, then a FourCC).
/// </summary>
public static class FlvAudio
{
    public const byte FormatPcm = 0;
    public const byte FormatAdpcm = 1;
    public const byte FormatMp3 = 2;
    public const byte FormatPcmLittleEndian = 3;
    public const byte FormatNellymoser16k = 4;
    public const byte FormatNellymoser8k = 5;
    public const byte FormatNellymoser = 6;
    public const byte FormatG711ALaw = 7;
    public const byte FormatG711MuLaw = 8;

    /// <summary>Enhanced RTMP: the header continues with a packet type and FourCC.</summary>
    public const byte FormatExHeader = 9;

    public const byte FormatAac = 10;
    public const byte FormatSpeex = 11;
    public const byte FormatMp3At8k = 14;

    public const byte AacSequenceHeader = 0;
    public const byte AacRaw = 1;

    public const byte PacketTypeSequenceStart = 0;
    public const byte PacketTypeCodedFrames = 1;
    public const byte PacketTypeSequenceEnd = 2;
    public const byte PacketTypeMultichannelConfig = 4;
    public const byte PacketTypeMultitrack = 5;
    public const byte PacketTypeModEx = 7;

    /// <summary>The sound format (high nibble of the first byte); 0xFF for empty data.</summary>
    public static byte SoundFormat(ReadOnlySpan<byte> tagData) => tagData.IsEmpty ? (byte)0xFF : (byte)(tagData[0] >> 4);

    /// <summary>The Enhanced RTMP codec FourCC (see <see cref="FlvFourCC"/>); 0 for legacy headers.</summary>
    public static uint FourCC(ReadOnlySpan<byte> tagData) =>
        SoundFormat(tagData) == FormatExHeader ? FlvFourCC.Read(tagData, 1) : 0;

    /// <summary>True for an AAC sequence header (AudioSpecificConfig) or an Enhanced RTMP
    /// SequenceStart, which players need before any frame.</summary>
    public static bool IsSequenceHeader(ReadOnlySpan<byte> tagData)
    {
        return SoundFormat(tagData) switch
        {
            FormatAac => tagData.Length >= 2 && tagData[1] == AacSequenceHeader,
            FormatExHeader => tagData.Length >= 5 && (tagData[0] & 0x0F) == PacketTypeSequenceStart,
            _ => false,
        };
    }

    /// <summary>Sample rate the legacy header's 2-bit rate field states (5512, 11025, 22050, 44100).</summary>
    public static int FlagSampleRate(ReadOnlySpan<byte> tagData)
    {
        if (tagData.IsEmpty)
        {
            return 0;
        }

        return ((tagData[0] >> 2) & 0x03) switch
        {
            0 => 5512,
            1 => 11025,
            2 => 22050,
            _ => 44100,
        };
    }

    /// <summary>Channels the legacy header's sound type bit states (1 mono, 2 stereo).</summary>
    public static int FlagChannels(ReadOnlySpan<byte> tagData) => tagData.IsEmpty ? 0 : (tagData[0] & 0x01) + 1;
}
