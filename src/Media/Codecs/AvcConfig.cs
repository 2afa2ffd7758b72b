using System.Diagnostics.CodeAnalysis;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// H.264 facts from an AVCDecoderConfigurationRecord (the AVC sequence header's body): profile and
/// level named as SRS names them, and the picture size from the first SPS (ITU-T H.264 7.3.2.1.1).
/// </summary>
public static class AvcConfig
{
    /// <returns>False for malformed or unsupported input (never throws).</returns>
    public static bool TryParse(ReadOnlySpan<byte> avcDecoderConfigurationRecord, [MaybeNullWhen(false)] out VideoFacts info)
    {
        info = null;
        return VideoDecoderConfig.TryParse(VideoCodecId.H264, avcDecoderConfigurationRecord, out var record)
            && TryParseSps(record.Sps, out info);
    }

    /// <summary>Decodes an SPS NAL unit (with its one-byte header and emulation prevention bytes).</summary>
    public static bool TryParseSps(ReadOnlySpan<byte> spsNal, [MaybeNullWhen(false)] out VideoFacts info)
    {
        info = null;
        if (!TryReadSps(spsNal, out var sps))
        {
            return false;
        }

        info = new VideoFacts("H264", ProfileName(sps.ProfileIdc), LevelName(sps.LevelIdc), sps.Width, sps.Height);
        return true;
    }

    /// <summary>The SPS fields an avcC record and the facts need (ITU-T H.264 7.3.2.1.1).</summary>
    internal static bool TryReadSps(ReadOnlySpan<byte> spsNal, out AvcSpsFields sps)
    {
        sps = default;
        if (spsNal.Length < 4 || spsNal.Length > NalUnit.MaxParameterSetSize || (spsNal[0] & 0x1F) != 7)
        {
            return false;
        }

        Span<byte> rbsp = stackalloc byte[spsNal.Length];
        rbsp = rbsp.Slice(0, NalUnit.Unescape(spsNal, rbsp));
        try
        {
            var r = new BitReader(rbsp);
            r.Skip(8); // NAL header
            var profileIdc = (int)r.ReadBits(8);
            var constraints = (int)r.ReadBits(8);
            var levelIdc = (int)r.ReadBits(8);
            r.ReadUe(); // seq_parameter_set_id

            uint chromaFormatIdc = 1;
            uint bitDepthLuma = 0, bitDepthChroma = 0;
            var separateColourPlane = false;
            if (HasChromaInfo(profileIdc))
            {
                chromaFormatIdc = r.ReadUe();
                if (chromaFormatIdc > 3)
                {
                    return false;
                }

                if (chromaFormatIdc == 3)
                {
                    separateColourPlane = r.ReadFlag();
                }

                bitDepthLuma = r.ReadUe();
                bitDepthChroma = r.ReadUe();
                if (bitDepthLuma > 6 || bitDepthChroma > 6)
                {
                    return false;
                }

                r.Skip(1); // qpprime_y_zero_transform_bypass_flag
                if (r.ReadFlag()) // seq_scaling_matrix_present_flag
                {
                    var lists = chromaFormatIdc != 3 ? 8 : 12;
                    for (var i = 0; i < lists; i++)
                    {
                        if (r.ReadFlag())
                        {
                            SkipScalingList(ref r, i < 6 ? 16 : 64);
                        }
                    }
                }
            }

            r.ReadUe(); // log2_max_frame_num_minus4
            var picOrderCntType = r.ReadUe();
            if (picOrderCntType == 0)
            {
                r.ReadUe(); // log2_max_pic_order_cnt_lsb_minus4
            }
            else if (picOrderCntType == 1)
            {
                r.Skip(1); // delta_pic_order_always_zero_flag
                r.ReadSe(); // offset_for_non_ref_pic
                r.ReadSe(); // offset_for_top_to_bottom_field
                var cycle = r.ReadUe();
                if (cycle > 255)
                {
                    return false;
                }

                for (var i = 0; i < cycle; i++)
                {
                    r.ReadSe(); // offset_for_ref_frame
                }
            }

            r.ReadUe(); // max_num_ref_frames
            r.Skip(1); // gaps_in_frame_num_value_allowed_flag
            var widthInMbs = r.ReadUe() + 1L;
            var heightInMapUnits = r.ReadUe() + 1L;
            var frameMbsOnly = r.ReadBit();
            if (frameMbsOnly == 0)
            {
                r.Skip(1); // mb_adaptive_frame_field_flag
            }

            r.Skip(1); // direct_8x8_inference_flag
            long cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
            if (r.ReadFlag())
            {
                cropLeft = r.ReadUe();
                cropRight = r.ReadUe();
                cropTop = r.ReadUe();
                cropBottom = r.ReadUe();
            }

            // Cropping is in chroma sample units (7.4.2.1.1): SubWidthC/SubHeightC by chroma format,
            // doubled vertically for field coding.
            var chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
            var subWidthC = chromaFormatIdc == 3 ? 1 : 2;
            var subHeightC = chromaFormatIdc == 1 ? 2 : 1;
            var fieldFactor = 2 - frameMbsOnly;
            var cropUnitX = chromaArrayType == 0 ? 1 : subWidthC;
            var cropUnitY = chromaArrayType == 0 ? fieldFactor : subHeightC * fieldFactor;
            var width = widthInMbs * 16 - cropUnitX * (cropLeft + cropRight);
            var height = fieldFactor * heightInMapUnits * 16 - cropUnitY * (cropTop + cropBottom);
            if (width <= 0 || height <= 0 || width > 65535 || height > 65535)
            {
                return false;
            }

            sps = new AvcSpsFields(profileIdc, constraints, levelIdc, (int)chromaFormatIdc, (int)bitDepthLuma + 8, (int)bitDepthChroma + 8, (int)width, (int)height);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Profiles whose SPS (and avcC record) carry chroma format and bit depths.</summary>
    internal static bool HasChromaInfo(int profileIdc) =>
        profileIdc is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135;

    /// <summary>SRS's names for profile_idc.</summary>
    public static string ProfileName(int profileIdc) => profileIdc switch
    {
        66 => "Baseline",
        77 => "Main",
        88 => "Extended",
        100 => "High",
        110 => "High(10)",
        122 => "High(422)",
        244 => "High(444)",
        _ => "Other",
    };

    /// <summary>level_idc as SRS prints it: 30 → "3", 31 → "3.1", 9 → "1b".</summary>
    public static string LevelName(int levelIdc) => levelIdc switch
    {
        9 => "1b",
        10 or 20 or 30 or 40 or 50 or 60 => (levelIdc / 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
        11 or 12 or 13 or 21 or 22 or 31 or 32 or 41 or 42 or 51 or 52 or 61 or 62 =>
            $"{levelIdc / 10}.{levelIdc % 10}",
        _ => "Other",
    };

    // scaling_list() of 7.3.2.1.1.1: only the syntax matters here, not the values.
    private static void SkipScalingList(ref BitReader r, int size)
    {
        var lastScale = 8;
        var nextScale = 8;
        for (var j = 0; j < size; j++)
        {
            if (nextScale != 0)
            {
                var delta = r.ReadSe();
                nextScale = (lastScale + delta + 256) % 256;
            }

            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }
}

/// <summary>H.264 SPS fields: profile_idc, the constraint flags byte, level_idc, chroma_format_idc,
/// bit depths and the cropped picture size.</summary>
internal readonly record struct AvcSpsFields(int ProfileIdc, int Constraints, int LevelIdc, int ChromaFormatIdc, int BitDepthLuma, int BitDepthChroma, int Width, int Height);
