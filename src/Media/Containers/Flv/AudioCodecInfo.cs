using System.Diagnostics.CodeAnalysis;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>Audio codec facts from an RTMP/FLV audio tag, as SRS reports them for a stream.</summary>
public static class AudioCodecInfo
{
    /// <summary>
    /// AAC sequence headers (legacy, or Enhanced RTMP mp4a) give "AAC" with the AudioSpecificConfig's
    /// facts; any MP3 tag gives "MP3" with rate and channels from the FLV sound flags; an Enhanced
    /// RTMP Opus sequence start with an OpusHead gives "Opus" at 48 kHz. Anything else: false.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> audioTagData, [MaybeNullWhen(false)] out AudioFacts info)
    {
        info = null;
        switch (FlvAudio.SoundFormat(audioTagData))
        {
            case FlvAudio.FormatAac:
                return FlvAudio.IsSequenceHeader(audioTagData) && AacConfig.TryParse(audioTagData.Slice(2), out info);
            case FlvAudio.FormatMp3:
                info = new AudioFacts("MP3", FlvAudio.FlagSampleRate(audioTagData), FlvAudio.FlagChannels(audioTagData), "Other");
                return true;
            case FlvAudio.FormatMp3At8k:
                info = new AudioFacts("MP3", 8000, FlvAudio.FlagChannels(audioTagData), "Other");
                return true;
            case FlvAudio.FormatExHeader when FlvAudio.IsSequenceHeader(audioTagData):
                var config = audioTagData.Slice(5);
                return FlvAudio.FourCC(audioTagData) switch
                {
                    FlvFourCC.Mp4a => AacConfig.TryParse(config, out info),
                    FlvFourCC.Opus => TryParseOpusHead(config, out info),
                    _ => false,
                };
            default:
                return false;
        }
    }

    private static bool TryParseOpusHead(ReadOnlySpan<byte> head, [MaybeNullWhen(false)] out AudioFacts info)
    {
        info = OpusHead.TryParse(head, out var parsed) ? parsed.Facts : null;
        return info is not null;
    }
}
