using System.Diagnostics.CodeAnalysis;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// The fields of an AV1 sequence header OBU (AV1 spec 5.5) that an AV1CodecConfigurationRecord
/// (av1C) repeats and that describe the stream: profile, first operating point's level and tier,
/// colour format and the largest picture size. Everything before the colour configuration is read
/// (timing and decoder model information included), so the colour bits are where the spec puts them.
/// </summary>
public sealed record Av1SequenceHeader(
    int Profile,
    int Level,
    int Tier,
    bool HighBitDepth,
    bool TwelveBit,
    bool Monochrome,
    bool SubsamplingX,
    bool SubsamplingY,
    int ChromaSamplePosition,
    int MaxWidth,
    int MaxHeight)
{
    /// <summary>Reads the payload of a sequence header OBU (after its header and size).</summary>
    public static bool TryParse(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out Av1SequenceHeader? header)
    {
        header = null;
        try
        {
            header = Parse(new BitReader(payload));
            return header is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>The sequence header OBU of a temporal unit (or of av1C's configOBUs), parsed; false when there is none.</summary>
    public static bool TryFind(ReadOnlySpan<byte> obus, [NotNullWhen(true)] out Av1SequenceHeader? header, out ReadOnlySpan<byte> obu)
    {
        header = null;
        obu = default;
        var rest = obus;
        while (!rest.IsEmpty)
        {
            var before = rest;
            if (!Av1Obu.TryRead(ref rest, out var type, out var payload))
            {
                return false;
            }

            if (type == Av1Obu.SequenceHeader)
            {
                obu = before[..(before.Length - rest.Length)];
                return TryParse(payload, out header);
            }
        }

        return false;
    }

    private static Av1SequenceHeader? Parse(BitReader bits)
    {
        var profile = (int)bits.ReadBits(3);
        if (profile > 2)
        {
            return null;
        }

        bits.Skip(1); // still_picture
        var reduced = bits.ReadFlag();
        int level, tier = 0;
        if (reduced)
        {
            level = (int)bits.ReadBits(5);
        }
        else
        {
            var decoderModel = false;
            var bufferDelayLength = 0;
            if (bits.ReadFlag()) // timing_info_present_flag
            {
                bits.Skip(64); // num_units_in_display_tick, time_scale
                if (bits.ReadFlag()) // equal_picture_interval
                {
                    SkipUvlc(ref bits);
                }

                decoderModel = bits.ReadFlag();
                if (decoderModel)
                {
                    bufferDelayLength = (int)bits.ReadBits(5) + 1;
                    bits.Skip(32 + 5 + 5); // num_units_in_decoding_tick, buffer_removal_time and frame_presentation_time lengths
                }
            }

            var initialDisplayDelay = bits.ReadFlag();
            var operatingPoints = (int)bits.ReadBits(5) + 1;
            level = 0;
            for (var i = 0; i < operatingPoints; i++)
            {
                bits.Skip(12); // operating_point_idc
                var opLevel = (int)bits.ReadBits(5);
                var opTier = opLevel > 7 ? bits.ReadBit() : 0;
                if (i == 0)
                {
                    (level, tier) = (opLevel, opTier);
                }

                if (decoderModel && bits.ReadFlag())
                {
                    bits.Skip((2 * bufferDelayLength) + 1); // decoder and encoder buffer delays, low_delay_mode_flag
                }

                if (initialDisplayDelay && bits.ReadFlag())
                {
                    bits.Skip(4);
                }
            }
        }

        var widthBits = (int)bits.ReadBits(4) + 1;
        var heightBits = (int)bits.ReadBits(4) + 1;
        var width = (int)bits.ReadBits(widthBits) + 1;
        var height = (int)bits.ReadBits(heightBits) + 1;
        if (!reduced && bits.ReadFlag()) // frame_id_numbers_present_flag
        {
            bits.Skip(4 + 3);
        }

        bits.Skip(3); // use_128x128_superblock, enable_filter_intra, enable_intra_edge_filter
        if (!reduced)
        {
            bits.Skip(4); // interintra and masked compound, warped motion, dual filter
            var orderHint = bits.ReadFlag();
            if (orderHint)
            {
                bits.Skip(2); // jnt_comp, ref_frame_mvs
            }

            var forceScreenContentTools = bits.ReadFlag() ? 2 : bits.ReadBit(); // seq_choose_screen_content_tools
            if (forceScreenContentTools > 0 && !bits.ReadFlag()) // seq_choose_integer_mv
            {
                bits.Skip(1); // seq_force_integer_mv
            }

            if (orderHint)
            {
                bits.Skip(3);
            }
        }

        bits.Skip(3); // enable_superres, enable_cdef, enable_restoration
        return ReadColour(ref bits, profile, level, tier, width, height);
    }

    /// <summary>color_config (AV1 spec 5.5.2).</summary>
    private static Av1SequenceHeader ReadColour(ref BitReader bits, int profile, int level, int tier, int width, int height)
    {
        var high = bits.ReadFlag();
        var twelve = profile == 2 && high && bits.ReadFlag();
        var mono = profile != 1 && bits.ReadFlag();
        int primaries = 2, transfer = 2, matrix = 2; // unspecified
        if (bits.ReadFlag()) // color_description_present_flag
        {
            (primaries, transfer, matrix) = ((int)bits.ReadBits(8), (int)bits.ReadBits(8), (int)bits.ReadBits(8));
        }

        bool x, y;
        var position = 0;
        if (mono)
        {
            (x, y) = (true, true);
        }
        else if (primaries == 1 && transfer == 13 && matrix == 0)
        {
            (x, y) = (false, false); // sRGB: 4:4:4
        }
        else
        {
            bits.Skip(1); // color_range
            (x, y) = profile switch
            {
                0 => (true, true),
                1 => (false, false),
                _ when twelve => ReadSubsampling(ref bits),
                _ => (true, false),
            };
            if (x && y)
            {
                position = (int)bits.ReadBits(2);
            }
        }

        return new Av1SequenceHeader(profile, level, tier, high, twelve, mono, x, y, position, width, height);
    }

    private static (bool X, bool Y) ReadSubsampling(ref BitReader bits)
    {
        var x = bits.ReadFlag();
        return (x, x && bits.ReadFlag());
    }

    /// <summary>uvlc() (AV1 spec 4.10.3).</summary>
    private static void SkipUvlc(ref BitReader bits)
    {
        var zeros = 0;
        while (!bits.ReadFlag())
        {
            if (++zeros >= 32)
            {
                return;
            }
        }

        bits.Skip(zeros);
    }
}
