namespace OrleansLive.GatewayEdge.Mp4;

/// <summary>
/// Reads only as far into an H.264 or HEVC sequence parameter set as the cropped picture size,
/// which the tkhd and sample entry want. Everything after is ignored.
/// </summary>
public static class SpsParser
{
    private const int MaxSps = 512;

    public static bool TryGetAvcSize(ReadOnlySpan<byte> spsNal, out int width, out int height)
    {
        width = height = 0;
        if (spsNal.Length < 4)
        {
            return false;
        }
        Span<byte> rbsp = stackalloc byte[MaxSps];
        var bits = new RbspBitReader(rbsp[..RbspBitReader.Unescape(spsNal[1..], rbsp)]);
        var profile = bits.ReadBits(8);
        bits.Skip(16); // constraint flags, level_idc
        bits.ReadUe(); // seq_parameter_set_id
        var chromaFormat = 1u;
        var separatePlanes = false;
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormat = bits.ReadUe();
            if (chromaFormat == 3)
            {
                separatePlanes = bits.ReadBit() == 1;
            }
            bits.ReadUe(); // bit_depth_luma_minus8
            bits.ReadUe(); // bit_depth_chroma_minus8
            bits.ReadBit(); // qpprime_y_zero_transform_bypass_flag
            if (bits.ReadBit() == 1)
            {
                SkipScalingMatrix(ref bits, chromaFormat == 3 ? 12 : 8);
            }
        }
        bits.ReadUe(); // log2_max_frame_num_minus4
        var pocType = bits.ReadUe();
        if (pocType == 0)
        {
            bits.ReadUe();
        }
        else if (pocType == 1)
        {
            bits.ReadBit();
            bits.ReadSe();
            bits.ReadSe();
            var cycle = bits.ReadUe();
            for (var i = 0u; i < cycle && !bits.Overrun; i++)
            {
                bits.ReadSe();
            }
        }
        bits.ReadUe(); // max_num_ref_frames
        bits.ReadBit(); // gaps_in_frame_num_value_allowed_flag
        var widthMbs = bits.ReadUe() + 1;
        var heightMapUnits = bits.ReadUe() + 1;
        var frameMbsOnly = bits.ReadBit();
        if (frameMbsOnly == 0)
        {
            bits.ReadBit(); // mb_adaptive_frame_field_flag
        }
        bits.ReadBit(); // direct_8x8_inference_flag
        uint left = 0, right = 0, top = 0, bottom = 0;
        if (bits.ReadBit() == 1)
        {
            left = bits.ReadUe();
            right = bits.ReadUe();
            top = bits.ReadUe();
            bottom = bits.ReadUe();
        }
        if (bits.Overrun)
        {
            return false;
        }
        var (subWidth, subHeight) = ChromaSubsampling(separatePlanes ? 0 : chromaFormat);
        var cropX = subWidth;
        var cropY = subHeight * (2 - frameMbsOnly);
        width = (int)((widthMbs * 16) - (cropX * (left + right)));
        height = (int)(((2 - frameMbsOnly) * heightMapUnits * 16) - (cropY * (top + bottom)));
        return width > 0 && height > 0;
    }

    public static bool TryGetHevcSize(ReadOnlySpan<byte> spsNal, out int width, out int height)
    {
        width = height = 0;
        if (spsNal.Length < 16)
        {
            return false;
        }
        Span<byte> rbsp = stackalloc byte[MaxSps];
        var bits = new RbspBitReader(rbsp[..RbspBitReader.Unescape(spsNal[2..], rbsp)]);
        bits.Skip(4); // sps_video_parameter_set_id
        var maxSubLayersMinus1 = (int)bits.ReadBits(3);
        bits.Skip(1); // sps_temporal_id_nesting_flag
        SkipProfileTierLevel(ref bits, maxSubLayersMinus1);
        bits.ReadUe(); // sps_seq_parameter_set_id
        var chromaFormat = bits.ReadUe();
        var separatePlanes = chromaFormat == 3 && bits.ReadBit() == 1;
        var lumaWidth = bits.ReadUe();
        var lumaHeight = bits.ReadUe();
        uint left = 0, right = 0, top = 0, bottom = 0;
        if (bits.ReadBit() == 1)
        {
            left = bits.ReadUe();
            right = bits.ReadUe();
            top = bits.ReadUe();
            bottom = bits.ReadUe();
        }
        if (bits.Overrun)
        {
            return false;
        }
        var (subWidth, subHeight) = ChromaSubsampling(separatePlanes ? 0 : chromaFormat);
        width = (int)(lumaWidth - (subWidth * (left + right)));
        height = (int)(lumaHeight - (subHeight * (top + bottom)));
        return width > 0 && height > 0;
    }

    /// <summary>SubWidthC/SubHeightC; monochrome and separate planes crop in luma units.</summary>
    private static (uint Width, uint Height) ChromaSubsampling(uint chromaFormat) => chromaFormat switch
    {
        1 => (2, 2),
        2 => (2, 1),
        _ => (1, 1),
    };

    private static void SkipScalingMatrix(ref RbspBitReader bits, int lists)
    {
        for (var i = 0; i < lists; i++)
        {
            if (bits.ReadBit() == 0)
            {
                continue;
            }
            var size = i < 6 ? 16 : 64;
            int last = 8, next = 8;
            for (var j = 0; j < size && !bits.Overrun; j++)
            {
                if (next != 0)
                {
                    next = (last + bits.ReadSe() + 256) % 256;
                }
                last = next == 0 ? last : next;
            }
        }
    }

    private static void SkipProfileTierLevel(ref RbspBitReader bits, int maxSubLayersMinus1)
    {
        // General profile space/tier/idc, compatibility flags, constraint flags: 88 bits; level: 8.
        bits.Skip(88 + 8);
        Span<bool> profilePresent = stackalloc bool[8];
        Span<bool> levelPresent = stackalloc bool[8];
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            profilePresent[i] = bits.ReadBit() == 1;
            levelPresent[i] = bits.ReadBit() == 1;
        }
        if (maxSubLayersMinus1 > 0)
        {
            bits.Skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
        }
        for (var i = 0; i < maxSubLayersMinus1; i++)
        {
            bits.Skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }
    }
}
