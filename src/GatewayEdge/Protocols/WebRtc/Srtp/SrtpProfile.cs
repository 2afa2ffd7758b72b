namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>DTLS-SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2); the value is the wire code.</summary>
public enum SrtpProfile : ushort
{
    Aes128CmHmacSha1_80 = 0x0001,
    Aes128CmHmacSha1_32 = 0x0002,
    AeadAes128Gcm = 0x0007,
    AeadAes256Gcm = 0x0008,
}

/// <summary>The transform parameters each profile fixes.</summary>
public static class SrtpProfileExtensions
{
    public static bool IsSupported(this SrtpProfile profile) =>
        profile is SrtpProfile.Aes128CmHmacSha1_80 or SrtpProfile.Aes128CmHmacSha1_32 or SrtpProfile.AeadAes128Gcm or SrtpProfile.AeadAes256Gcm;

    public static bool IsAead(this SrtpProfile profile) => profile is SrtpProfile.AeadAes128Gcm or SrtpProfile.AeadAes256Gcm;

    public static int MasterKeyLength(this SrtpProfile profile) => Check(profile) == SrtpProfile.AeadAes256Gcm ? 32 : 16;

    /// <summary>112 bits for AES-CM, 96 bits for AES-GCM.</summary>
    public static int MasterSaltLength(this SrtpProfile profile) => Check(profile).IsAead() ? 12 : 14;

    /// <summary>Bytes SRTP appends to an RTP packet.</summary>
    public static int RtpTagLength(this SrtpProfile profile) => Check(profile) switch
    {
        SrtpProfile.Aes128CmHmacSha1_32 => 4,
        SrtpProfile.Aes128CmHmacSha1_80 => 10,
        _ => 16,
    };

    /// <summary>SRTCP keeps an 80-bit tag even in the _32 profile (RFC 5764 §4.1.2).</summary>
    public static int RtcpTagLength(this SrtpProfile profile) => Check(profile).IsAead() ? 16 : 10;

    private static SrtpProfile Check(SrtpProfile profile) =>
        profile.IsSupported() ? profile : throw new ArgumentOutOfRangeException(nameof(profile), profile, "unsupported SRTP protection profile");
}
