using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// The AV1CodecConfigurationRecord (av1C, AV1-ISOBMFF 2.3): its fixed four bytes repeat the sequence
/// header's profile, level, tier and colour format, and its configOBUs carry the sequence header OBU
/// itself, which is where the picture size comes from.
/// </summary>
public static class Av1Config
{
    /// <summary>Bytes before the configOBUs.</summary>
    public const int FixedSize = 4;

    public static bool TryParse(ReadOnlySpan<byte> av1C, [MaybeNullWhen(false)] out VideoFacts info)
    {
        info = null;

        // marker(1) = 1, version(7) = 1; then seq_profile(3) seq_level_idx_0(5).
        if (av1C.Length < FixedSize || av1C[0] != 0x81)
        {
            return false;
        }

        var profile = av1C[1] >> 5;
        var levelIdx = av1C[1] & 0x1F;
        var profileName = profile switch
        {
            0 => "Main",
            1 => "High",
            2 => "Professional",
            _ => "Other",
        };

        // seq_level_idx maps to level X.Y with X = 2 + idx / 4, Y = idx % 4; 31 means unconstrained.
        var level = levelIdx < 24
            ? string.Create(CultureInfo.InvariantCulture, $"{2 + (levelIdx >> 2)}.{levelIdx & 3}")
            : "Other";
        var (width, height) = Av1SequenceHeader.TryFind(av1C[FixedSize..], out var sequence, out _) ? (sequence.MaxWidth, sequence.MaxHeight) : (0, 0);
        info = new VideoFacts("AV1", profileName, level, width, height);
        return true;
    }

    /// <summary>The sequence header OBU in the record's configOBUs (with its header and size), empty if none.</summary>
    public static ReadOnlySpan<byte> SequenceHeaderObu(ReadOnlySpan<byte> av1C) =>
        av1C.Length > FixedSize && av1C[0] == 0x81 && Av1SequenceHeader.TryFind(av1C[FixedSize..], out _, out var obu) ? obu : default;

    /// <summary>
    /// av1C for a stream whose temporal unit carries this sequence header: the four fixed bytes from its
    /// fields (no initial presentation delay), then the OBU as configOBUs. Null when the temporal unit
    /// has no sequence header that parses.
    /// </summary>
    public static byte[]? Build(ReadOnlySpan<byte> temporalUnit)
    {
        if (!Av1SequenceHeader.TryFind(temporalUnit, out var header, out var obu))
        {
            return null;
        }

        var record = new byte[FixedSize + obu.Length];
        record[0] = 0x81;
        record[1] = (byte)((header.Profile << 5) | (header.Level & 0x1F));
        record[2] = (byte)((header.Tier << 7) | (header.HighBitDepth ? 0x40 : 0) | (header.TwelveBit ? 0x20 : 0) | (header.Monochrome ? 0x10 : 0)
            | (header.SubsamplingX ? 0x08 : 0) | (header.SubsamplingY ? 0x04 : 0) | (header.ChromaSamplePosition & 0x03));
        record[3] = 0;
        obu.CopyTo(record.AsSpan(FixedSize));
        return record;
    }
}
