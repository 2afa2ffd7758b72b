using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// The VP Codec Configuration Record (the body of ISO BMFF's 'vpcC' box, which Enhanced RTMP sends as
/// the SequenceStart of vp08/vp09): profile, level, bit depth, chroma subsampling and colour. VP8 and
/// VP9 need no decoder configuration, so the record only tells a stream's codec and facts.
/// </summary>
public static class VpConfig
{
    /// <summary>Bytes of a record without codec initialization data.</summary>
    public const int Size = 8;

    /// <summary>8-bit 4:2:0 (colocated), limited range, BT.709 colour, no initialization data;
    /// level 0 where it is not known.</summary>
    public static byte[] Build(int profile = 0, int level = 0) =>
    [
        (byte)profile,
        (byte)level,
        (8 << 4) | (1 << 1), // bitDepth(4) chromaSubsampling(3) videoFullRangeFlag(1)
        1, 1, 1, // colour primaries, transfer characteristics, matrix coefficients
        0, 0, // codecInitializationDataSize
    ];

    /// <summary>Facts as SRS would name them: codec "VP8"/"VP9", profile "0".."3", level "3.1" (level
    /// 0 is "Other"); the picture size is not in the record (width and height are 0).</summary>
    public static bool TryParse(VideoCodecId codec, ReadOnlySpan<byte> vpcC, [MaybeNullWhen(false)] out VideoFacts info)
    {
        info = null;
        if (vpcC.Length < Size || codec is not (VideoCodecId.Vp8 or VideoCodecId.Vp9))
        {
            return false;
        }

        var level = vpcC[1] is > 0 and var l
            ? string.Create(CultureInfo.InvariantCulture, $"{l / 10}.{l % 10}")
            : "Other";
        info = new VideoFacts(codec == VideoCodecId.Vp8 ? "VP8" : "VP9", vpcC[0].ToString(CultureInfo.InvariantCulture), level, 0, 0);
        return true;
    }
}
