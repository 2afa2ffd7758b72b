using System.Globalization;

namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>The H.264 profiles WebRTC negotiates, as profile_idc plus constraint flags classify them.</summary>
public enum H264Profile
{
    ConstrainedBaseline,
    Baseline,
    Main,
    ConstrainedHigh,
    High,
    PredictiveHigh444,
}

/// <summary>
/// H.264 profile-level-id (RFC 6184 8.1): profile_idc, the constraint-flag byte (profile-iop) and
/// level_idc. Two offers match when they name the same profile; the level may differ (decoders
/// take level-asymmetry-allowed, and the gateway does not decode).
/// </summary>
public readonly record struct H264ProfileLevelId(byte ProfileIdc, byte ProfileIop, byte LevelIdc)
{
    /// <summary>What RFC 6184 implies when profile-level-id is absent: Baseline, level 1.</summary>
    public static readonly H264ProfileLevelId Default = new(0x42, 0x00, 0x0a);

    // (profile_idc, mask of the constraint bits that matter, their value, profile): the classification
    // browsers use, set0 being the top bit of profile-iop.
    private static readonly (byte Idc, byte Mask, byte Bits, H264Profile Profile)[] Patterns =
    [
        (0x42, 0x4F, 0x40, H264Profile.ConstrainedBaseline),
        (0x4D, 0x8F, 0x80, H264Profile.ConstrainedBaseline),
        (0x58, 0xCF, 0xC0, H264Profile.ConstrainedBaseline),
        (0x42, 0x4F, 0x00, H264Profile.Baseline),
        (0x58, 0xCF, 0x80, H264Profile.Baseline),
        (0x4D, 0xAF, 0x00, H264Profile.Main),
        (0x64, 0xFF, 0x00, H264Profile.High),
        (0x64, 0xFF, 0x0C, H264Profile.ConstrainedHigh),
        (0xF4, 0xFF, 0x00, H264Profile.PredictiveHigh444),
    ];

    /// <summary>The profile these bits name, or null for one WebRTC does not negotiate.</summary>
    public H264Profile? Profile
    {
        get
        {
            foreach (var (idc, mask, bits, profile) in Patterns)
            {
                if (ProfileIdc == idc && (ProfileIop & mask) == bits)
                {
                    return profile;
                }
            }

            return null;
        }
    }

    /// <summary>Parses six hex digits ("42e01f").</summary>
    public static bool TryParse(string? text, out H264ProfileLevelId value)
    {
        value = default;
        if (text is null || text.Length != 6 || !uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits))
        {
            return false;
        }

        value = new H264ProfileLevelId((byte)(bits >> 16), (byte)(bits >> 8), (byte)bits);
        return true;
    }

    /// <summary>The profile-level-id of a codec's fmtp, the RFC default when absent, null when malformed.</summary>
    public static H264ProfileLevelId? Of(Codec codec) =>
        !codec.Fmtp.TryGetValue("profile-level-id", out var text) ? Default
        : TryParse(text, out var value) ? value : null;

    /// <summary>Same profile (profile_idc and the constraint flags that define it); levels may differ.</summary>
    public bool SameProfile(H264ProfileLevelId other) => Profile is { } profile ? profile == other.Profile : ProfileIdc == other.ProfileIdc && ProfileIop == other.ProfileIop;

    public override string ToString() => $"{ProfileIdc:x2}{ProfileIop:x2}{LevelIdc:x2}";
}
