using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

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
    public void WriteAdtsHeader(Span<byte> header, int rawLength)
    {
        var frameLength = rawLength + AdtsHeaderSize;
        // ADTS has two profile bits (object type - 1) and no escape for explicit rates.
        var profile = Math.Clamp(ObjectType - 1, 0, 3);
        var index = SamplingIndex < 13 ? SamplingIndex : 4;
        header[0] = 0xFF;
        header[1] = 0xF1; // MPEG-4, layer 0, no CRC
        header[2] = (byte)((profile << 6) | (index << 2) | ((ChannelConfig >> 2) & 0x01));
        header[3] = (byte)(((ChannelConfig & 0x03) << 6) | ((frameLength >> 11) & 0x03));
        header[4] = (byte)(frameLength >> 3);
        header[5] = (byte)(((frameLength & 0x07) << 5) | 0x1F); // buffer fullness 0x7FF: VBR
        header[6] = 0xFC; // rest of fullness, one raw data block
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
