using System.Diagnostics.CodeAnalysis;

namespace OrleansLive.Media.Codecs;

/// <summary>AAC facts from an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1), the body of an AAC
/// sequence header. The one parser of that structure: the TS muxer's ADTS headers and the fMP4
/// track use <see cref="TryReadFields"/> too.</summary>
public static class AacConfig
{
    private static readonly int[] SampleRates =
        [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>
    /// Reads object type, sample rate and channels. For explicitly signalled HE-AAC (object type 5)
    /// and HE-AACv2 (29) the sample rate is the SBR output rate, and v2's parametric stereo makes
    /// a mono configuration play as 2 channels.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> audioSpecificConfig, [MaybeNullWhen(false)] out AudioFacts info)
    {
        info = null;
        if (!TryReadFields(audioSpecificConfig, out var fields))
        {
            return false;
        }

        var channels = fields.ChannelConfig switch
        {
            >= 1 and <= 6 => fields.ChannelConfig,
            7 or 12 or 14 => 8,
            11 => 7,
            13 => 24,
            _ => 0, // 0: defined by a program config element, not decoded here
        };
        if (fields.ObjectType == 29 && channels == 1)
        {
            channels = 2;
        }

        var rate = fields.ExtensionSampleRate > 0 ? fields.ExtensionSampleRate : fields.SampleRate;
        info = new AudioFacts("AAC", rate, channels, ProfileName(fields.ObjectType));
        return true;
    }

    /// <summary>
    /// The fields of an AudioSpecificConfig as signalled. False when the object type, rate or
    /// channel configuration (and, for SBR/PS, the extension rate) cannot be read; a missing core
    /// object type after an explicit SBR/PS header reads as 0.
    /// </summary>
    internal static bool TryReadFields(ReadOnlySpan<byte> audioSpecificConfig, out AacFields fields)
    {
        fields = default;
        if (audioSpecificConfig.Length < 2)
        {
            return false;
        }

        try
        {
            var r = new BitReader(audioSpecificConfig);
            var objectType = ReadObjectType(ref r);
            var (index, sampleRate) = ReadSampleRate(ref r);
            var channelConfig = (int)r.ReadBits(4);
            if (sampleRate <= 0)
            {
                return false;
            }

            var coreObjectType = objectType;
            var extensionRate = 0;
            if (objectType is 5 or 29)
            {
                // Explicit SBR/PS: the extension rate comes next, then the core object type.
                extensionRate = Math.Max(0, ReadSampleRate(ref r).Rate);
                coreObjectType = r.BitsRemaining >= 5 ? ReadObjectType(ref r) : 0;
            }

            fields = new AacFields(objectType, coreObjectType, index, sampleRate, extensionRate, channelConfig);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>SRS's names for audio object types.</summary>
    public static string ProfileName(int objectType) => objectType switch
    {
        1 => "Main",
        2 => "LC",
        3 => "SSR",
        5 => "HE",
        29 => "HEv2",
        _ => "Other",
    };

    private static int ReadObjectType(ref BitReader r)
    {
        var objectType = (int)r.ReadBits(5);
        return objectType == 31 ? 32 + (int)r.ReadBits(6) : objectType;
    }

    // Index into the standard table, or 15 followed by an explicit 24-bit rate; rate -1 if reserved.
    private static (int Index, int Rate) ReadSampleRate(ref BitReader r)
    {
        var index = (int)r.ReadBits(4);
        if (index == 15)
        {
            return (index, (int)r.ReadBits(24));
        }

        return (index, index < SampleRates.Length ? SampleRates[index] : -1);
    }
}

/// <summary>An AudioSpecificConfig as signalled: <see cref="ObjectType"/> may be SBR (5) or PS (29),
/// with the AAC core's type in <see cref="CoreObjectType"/>; rates are the core's and, for SBR/PS,
/// the extension's (output) rate.</summary>
internal readonly record struct AacFields(int ObjectType, int CoreObjectType, int SamplingIndex, int SampleRate, int ExtensionSampleRate, int ChannelConfig);
