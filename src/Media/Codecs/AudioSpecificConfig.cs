using OrleansLive.Media.Codecs;
namespace OrleansLive.Media.Codecs;

/// <summary>
/// The fields of an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3) that ADTS and mp4a need.
/// HE-AAC (SBR/PS) configs report the core AAC object type and core sampling index, which is
/// what ADTS carries with implicit SBR signalling. Parsed by <see cref="AacConfig"/>.
/// </summary>
public readonly record struct AudioSpecificConfig(int ObjectType, int SamplingIndex, int SampleRate, int ChannelConfig)
{
    public const int AdtsHeaderSize = 7;

    public static bool TryParse(ReadOnlySpan<byte> asc, out AudioSpecificConfig config)
    {
        config = default;
        if (!AacConfig.TryReadFields(asc, out var fields) || fields.CoreObjectType == 0)
        {
            return false;
        }
        config = new AudioSpecificConfig(fields.CoreObjectType, fields.SamplingIndex, fields.SampleRate, fields.ChannelConfig);
        return true;
    }

    /// <summary>Writes a 7-byte ADTS header (no CRC) for a raw frame of <paramref name="rawLength"/> bytes.</summary>
    public void WriteAdtsHeader(Span<byte> header, int rawLength) => AdtsHeader.Write(header, this, rawLength);

    /// <summary>The two-byte AudioSpecificConfig for this object type, sampling index and channel
    /// configuration (no SBR/PS signalling): what an FLV sequence header or esds carries.</summary>
    public byte[] ToBytes()
    {
        var objectType = Math.Clamp(ObjectType, 1, 30);
        var index = Math.Clamp(SamplingIndex, 0, 14);
        return [(byte)((objectType << 3) | (index >> 1)), (byte)(((index & 1) << 7) | ((ChannelConfig & 0x0F) << 3))];
    }

    /// <summary>An AAC frame that already starts with an ADTS header (some publishers send those).</summary>
    public static bool HasAdtsHeader(ReadOnlySpan<byte> frame) => frame.Length >= 7 && frame[0] == 0xFF && (frame[1] & 0xF6) == 0xF0;

    /// <summary>The raw AAC frame behind an ADTS header (7 bytes, or 9 with CRC); the frame itself if it has none.</summary>
    public static ReadOnlySpan<byte> StripAdtsHeader(ReadOnlySpan<byte> frame)
    {
        if (!HasAdtsHeader(frame))
        {
            return frame;
        }
        var header = (frame[1] & 0x01) != 0 ? 7 : 9;
        return frame.Length > header ? frame[header..] : [];
    }
}
