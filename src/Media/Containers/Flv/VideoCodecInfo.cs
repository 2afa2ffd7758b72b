using System.Diagnostics.CodeAnalysis;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>Video codec facts from an RTMP/FLV video tag, as SRS reports them for a stream.</summary>
public static class VideoCodecInfo
{
    /// <summary>
    /// AVC and HEVC (legacy codec ids 7 and 12, or Enhanced RTMP avc1/hvc1) AV1 (av01), VP8 (vp08) and VP9 (vp09) yield
    /// facts from their sequence headers only; other frames of those codecs yield false. Tags of
    /// other codecs yield Codec "VP6" or "Other" with unknown profile, level and size.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> videoTagData, [MaybeNullWhen(false)] out VideoFacts info)
    {
        info = null;
        if (videoTagData.IsEmpty)
        {
            return false;
        }

        // Both header forms put the decoder configuration record at offset 5: legacy after
        // header(1) packet type(1) composition time(3), enhanced after header(1) FourCC(4).
        if (FlvVideo.IsExHeader(videoTagData))
        {
            if (!FlvVideo.IsSequenceHeader(videoTagData))
            {
                return false;
            }

            var record = videoTagData.Slice(5);
            switch (FlvVideo.FourCC(videoTagData))
            {
                case FlvFourCC.Avc1:
                    return AvcConfig.TryParse(record, out info);
                case FlvFourCC.Hvc1:
                    return HevcConfig.TryParse(record, out info);
                case FlvFourCC.Av01:
                    return Av1Config.TryParse(record, out info);
                case FlvFourCC.Vp08:
                    // VP8/VP9 decode without the record: a short one still names the codec.
                    info = VpConfig.TryParse(VideoCodecId.Vp8, record, out var vp8) ? vp8 : Other("VP8");
                    return true;
                case FlvFourCC.Vp09:
                    info = VpConfig.TryParse(VideoCodecId.Vp9, record, out var vp9) ? vp9 : Other("VP9");
                    return true;
                default:
                    info = Other("Other");
                    return true;
            }
        }

        switch (FlvVideo.CodecId(videoTagData))
        {
            case FlvVideo.CodecAvc:
                return FlvVideo.IsSequenceHeader(videoTagData) && videoTagData.Length > 5
                    && AvcConfig.TryParse(videoTagData.Slice(5), out info);
            case FlvVideo.CodecHevc:
                return FlvVideo.IsSequenceHeader(videoTagData) && videoTagData.Length > 5
                    && HevcConfig.TryParse(videoTagData.Slice(5), out info);
            case FlvVideo.CodecVp6:
            case FlvVideo.CodecVp6Alpha:
                info = Other("VP6");
                return true;
            default:
                info = Other("Other");
                return true;
        }
    }

    private static VideoFacts Other(string codec) => new(codec, "Other", "Other", 0, 0);
}
