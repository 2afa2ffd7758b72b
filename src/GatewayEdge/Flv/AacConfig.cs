using System.Diagnostics.CodeAnalysis;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Flv;

/// <summary>AAC facts from an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1), the body of an AAC
/// sequence header.</summary>
public static class AacConfig
{
    private static readonly int[] SampleRates =
        [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>
    /// Reads object type, sample rate and channels. For explicitly signalled HE-AAC (object type 5)
    /// and HE-AACv2 (29) the sample rate is the SBR output rate, and v2's parametric stereo makes
    /// a mono configuration play as 2 channels.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> audioSpecificConfig, [MaybeNullWhen(false)] out AudioInfo info)
    {
        info = null;
        if (audioSpecificConfig.Length < 2)
        {
            return false;
        }

        try
        {
            var r = new BitReader(audioSpecificConfig);
            var objectType = ReadObjectType(ref r);
            var sampleRate = ReadSampleRate(ref r);
            var channelConfig = (int)r.ReadBits(4);
            if (sampleRate <= 0)
            {
                return false;
            }

            if (objectType is 5 or 29)
            {
                var extensionRate = ReadSampleRate(ref r);
                if (extensionRate > 0)
                {
                    sampleRate = extensionRate;
                }
            }

            var channels = channelConfig switch
            {
                >= 1 and <= 6 => channelConfig,
                7 or 12 or 14 => 8,
                11 => 7,
                13 => 24,
                _ => 0, // 0: defined by a program config element, not decoded here
            };
            if (objectType == 29 && channels == 1)
            {
                channels = 2;
            }

            info = new AudioInfo("AAC", sampleRate, channels, ProfileName(objectType));
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

    // Index into the standard table, or 15 followed by an explicit 24-bit rate; -1 if reserved.
    private static int ReadSampleRate(ref BitReader r)
    {
        var index = (int)r.ReadBits(4);
        if (index == 15)
        {
            return (int)r.ReadBits(24);
        }

        return index < SampleRates.Length ? SampleRates[index] : -1;
    }
}
