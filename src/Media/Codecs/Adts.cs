namespace OrleansLive.Media.Codecs;

/// <summary>
/// An ADTS header (ISO/IEC 13818-7 6.2, 14496-3 1.A.2): how AAC travels in MPEG-TS and PS. Each
/// header restates the configuration, so a demuxer derives the AudioSpecificConfig from the first one.
/// </summary>
/// <param name="ObjectType">Audio object type: the two-bit profile plus one (2 is AAC-LC).</param>
/// <param name="FrameLength">Header plus raw data, in bytes.</param>
/// <param name="RawBlocks">Raw data blocks in the frame, each 1024 samples.</param>
public readonly record struct AdtsHeader(int ObjectType, int SamplingIndex, int ChannelConfig, int FrameLength, int HeaderLength, int RawBlocks)
{
    public const int MinHeaderSize = 7;

    /// <summary>13-bit frame_length.</summary>
    public const int MaxFrameLength = 8191;

    private static readonly int[] SampleRates =
        [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    public int SampleRate => SampleRates[SamplingIndex];

    /// <summary>PCM samples per channel the frame decodes to.</summary>
    public int Samples => RawBlocks * 1024;

    /// <summary>The configuration this header states, as the AudioSpecificConfig of an FLV/MP4 track.</summary>
    public AudioSpecificConfig ToConfig() => new(ObjectType, SamplingIndex, SampleRate, ChannelConfig);

    /// <summary>Reads a header at the start of <paramref name="data"/>: the 12-bit sync word, layer 0, a
    /// sampling index from the table, and a frame length that covers the header.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out AdtsHeader header)
    {
        header = default;
        if (data.Length < MinHeaderSize || data[0] != 0xFF || (data[1] & 0xF6) != 0xF0)
        {
            return false;
        }

        var headerLength = (data[1] & 0x01) != 0 ? 7 : 9; // protection_absent: no CRC
        var objectType = (data[2] >> 6) + 1;
        var index = (data[2] >> 2) & 0x0F;
        var channels = ((data[2] & 0x01) << 2) | (data[3] >> 6);
        var frameLength = ((data[3] & 0x03) << 11) | (data[4] << 3) | (data[5] >> 5);
        var blocks = (data[6] & 0x03) + 1;
        if (index >= SampleRates.Length || frameLength < headerLength)
        {
            return false;
        }

        header = new AdtsHeader(objectType, index, channels, frameLength, headerLength, blocks);
        return true;
    }

    /// <summary>Writes a 7-byte header (no CRC, one raw data block) for a raw frame of
    /// <paramref name="rawLength"/> bytes. ADTS has two profile bits and no escape for explicit
    /// rates, so other object types clamp and an explicit rate writes 44.1 kHz.</summary>
    public static void Write(Span<byte> header, in AudioSpecificConfig config, int rawLength)
    {
        var frameLength = rawLength + MinHeaderSize;
        var profile = Math.Clamp(config.ObjectType - 1, 0, 3);
        var index = config.SamplingIndex < 13 ? config.SamplingIndex : 4;
        header[0] = 0xFF;
        header[1] = 0xF1; // MPEG-4, layer 0, no CRC
        header[2] = (byte)((profile << 6) | (index << 2) | ((config.ChannelConfig >> 2) & 0x01));
        header[3] = (byte)(((config.ChannelConfig & 0x03) << 6) | ((frameLength >> 11) & 0x03));
        header[4] = (byte)(frameLength >> 3);
        header[5] = (byte)(((frameLength & 0x07) << 5) | 0x1F); // buffer fullness 0x7FF: VBR
        header[6] = 0xFC; // rest of fullness, one raw data block
    }
}
