using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansLive.Media.Codecs;

/// <summary>AV1 facts from an AV1CodecConfigurationRecord (av1C): profile and level. The picture
/// size lives in the sequence header OBU, which is not decoded (width and height are 0).</summary>
public static class Av1Config
{
    public static bool TryParse(ReadOnlySpan<byte> av1C, [MaybeNullWhen(false)] out VideoFacts info)
    {
        info = null;

        // marker(1) = 1, version(7) = 1; then seq_profile(3) seq_level_idx_0(5).
        if (av1C.Length < 4 || av1C[0] != 0x81)
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
        info = new VideoFacts("AV1", profileName, level, 0, 0);
        return true;
    }
}
