namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>The SRTP protection profiles negotiated through use_srtp (RFC 5764 4.1.2, RFC 7714 14.2).</summary>
public enum SrtpProfile
{
    None = 0,
    Aes128CmHmacSha1_80 = 0x0001,
    AeadAes128Gcm = 0x0007,
}

public static class SrtpProfiles
{
    /// <summary>The profiles this gateway speaks, in its order of preference.</summary>
    public static readonly IReadOnlyList<SrtpProfile> Supported = [SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.AeadAes128Gcm];

    public static int KeyLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 => 16,
        SrtpProfile.AeadAes128Gcm => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "unsupported SRTP profile"),
    };

    public static int SaltLength(SrtpProfile profile) => profile switch
    {
        SrtpProfile.Aes128CmHmacSha1_80 => 14,
        SrtpProfile.AeadAes128Gcm => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(profile), profile, "unsupported SRTP profile"),
    };

    /// <summary>Bytes exported with "EXTRACTOR-dtls_srtp": both sides' master keys and salts.</summary>
    public static int KeyingMaterialLength(SrtpProfile profile) => 2 * (KeyLength(profile) + SaltLength(profile));

    public static bool IsSupported(SrtpProfile profile) => profile is SrtpProfile.Aes128CmHmacSha1_80 or SrtpProfile.AeadAes128Gcm;
}
