using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// HEVC facts from an HEVCDecoderConfigurationRecord (hvcC): profile and level from its general
/// fields, picture size from its SPS (ITU-T H.265 7.3.2.2) when one is present and decodable.
/// </summary>
public static class HevcConfig
{
    private const int FixedSize = 23;

    /// <returns>False when the record is malformed; true with width/height 0 when only the SPS is.</returns>
    public static bool TryParse(ReadOnlySpan<byte> hvcC, [MaybeNullWhen(false)] out VideoFacts info)
    {
        info = null;
        if (hvcC.Length < FixedSize || hvcC[0] != 1)
        {
            return false;
        }

        var profileIdc = hvcC[1] & 0x1F;
        var levelIdc = hvcC[12];
        int width = 0, height = 0;
        if (VideoDecoderConfig.TryParse(VideoCodecId.H265, hvcC, out var record) && !record.Sps.IsEmpty)
        {
            TryParseSpsSize(record.Sps, out width, out height);
        }

        info = new VideoFacts("HEVC", ProfileName(profileIdc), LevelName(levelIdc), width, height);
        return true;
    }

    /// <summary>SRS's names for general_profile_idc.</summary>
    public static string ProfileName(int profileIdc) => profileIdc switch
    {
        1 => "Main",
        2 => "Main10",
        3 => "Main Still Picture",
        4 => "Rext",
        _ => "Other",
    };

    /// <summary>general_level_idc is 30 × the level: 93 → "3.1", 120 → "4".</summary>
    public static string LevelName(int levelIdc)
    {
        if (levelIdc < 30 || levelIdc > 186 || levelIdc % 3 != 0)
        {
            return "Other";
        }

        var major = levelIdc / 30;
        var minor = levelIdc % 30 / 3;
        return minor == 0
            ? major.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{major}.{minor}");
    }

    /// <summary>Picture size from an SPS NAL unit (two-byte header, emulation prevention included),
    /// after the conformance window.</summary>
    public static bool TryParseSpsSize(ReadOnlySpan<byte> spsNal, out int width, out int height)
    {
        var ok = TryReadSps(spsNal, out var sps);
        (width, height) = (sps.Width, sps.Height);
        return ok;
    }

    /// <summary>The SPS fields an hvcC record needs (ITU-T H.265 7.3.2.2).</summary>
    internal static bool TryReadSps(ReadOnlySpan<byte> spsNal, out HevcSpsFields sps)
    {
        sps = default;
        if (spsNal.Length < 4 || spsNal.Length > NalUnit.MaxParameterSetSize)
        {
            return false;
        }

        Span<byte> rbsp = stackalloc byte[spsNal.Length];
        rbsp = rbsp.Slice(0, NalUnit.Unescape(spsNal, rbsp));
        try
        {
            var r = new BitReader(rbsp);
            r.Skip(16); // NAL header
            r.Skip(4); // sps_video_parameter_set_id
            var maxSubLayersMinus1 = (int)r.ReadBits(3);
            var temporalIdNesting = r.ReadFlag();
            if (rbsp.Length < 15)
            {
                return false;
            }

            // The general profile, tier and level: 12 bytes that hvcC copies as they are.
            var generalProfile = rbsp.Slice(3, 12).ToArray();
            SkipProfileTierLevel(ref r, maxSubLayersMinus1);
            r.ReadUe(); // sps_seq_parameter_set_id
            var chromaFormatIdc = r.ReadUe();
            if (chromaFormatIdc > 3)
            {
                return false;
            }

            var separateColourPlane = chromaFormatIdc == 3 && r.ReadFlag();
            long picWidth = r.ReadUe();
            long picHeight = r.ReadUe();
            long left = 0, right = 0, top = 0, bottom = 0;
            if (r.ReadFlag()) // conformance_window_flag
            {
                left = r.ReadUe();
                right = r.ReadUe();
                top = r.ReadUe();
                bottom = r.ReadUe();
            }

            var bitDepthLuma = r.ReadUe();
            var bitDepthChroma = r.ReadUe();
            if (bitDepthLuma > 8 || bitDepthChroma > 8)
            {
                return false;
            }

            // Window offsets are in chroma samples (Table 6-1): SubWidthC/SubHeightC.
            var chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            var subWidthC = chromaArrayType is 1 or 2 ? 2 : 1;
            var subHeightC = chromaArrayType == 1 ? 2 : 1;
            var w = picWidth - subWidthC * (left + right);
            var h = picHeight - subHeightC * (top + bottom);
            if (w <= 0 || h <= 0 || w > 65535 || h > 65535)
            {
                return false;
            }

            sps = new HevcSpsFields(generalProfile, maxSubLayersMinus1 + 1, temporalIdNesting, (int)chromaFormatIdc, (int)bitDepthLuma + 8, (int)bitDepthChroma + 8, (int)w, (int)h);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    // profile_tier_level(1, maxSubLayersMinus1) of 7.3.3: only its length matters here.
    private static void SkipProfileTierLevel(ref BitReader r, int maxSubLayersMinus1)
    {
        r.Skip(88); // general profile space, tier, profile idc, compatibility and constraint flags
        r.Skip(8); // general_level_idc
        Span<bool> profilePresent = stackalloc bool[8];
        Span<bool> levelPresent = stackalloc bool[8];
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            profilePresent[i] = r.ReadFlag();
            levelPresent[i] = r.ReadFlag();
        }

        if (maxSubLayersMinus1 > 0)
        {
            r.Skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }

        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            if (profilePresent[i])
            {
                r.Skip(88);
            }

            if (levelPresent[i])
            {
                r.Skip(8);
            }
        }
    }
}

/// <summary>HEVC SPS fields: the 12 general profile/tier/level bytes, temporal layering, chroma
/// format, bit depths and the cropped picture size.</summary>
internal readonly record struct HevcSpsFields(byte[] GeneralProfileTierLevel, int TemporalLayers, bool TemporalIdNested, int ChromaFormatIdc, int BitDepthLuma, int BitDepthChroma, int Width, int Height);
