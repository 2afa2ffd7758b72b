namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>The session keys of one traffic kind (SRTP or SRTCP).</summary>
internal sealed class SrtpSessionKeys(byte[] cipherKey, byte[] salt, byte[] authKey)
{
    public byte[] CipherKey { get; } = cipherKey;

    public byte[] Salt { get; } = salt;

    /// <summary>The HMAC-SHA1 key; empty for the AEAD profiles.</summary>
    public byte[] AuthKey { get; } = authKey;
}

/// <summary>RFC 3711 §4.3 key derivation with a key derivation rate of zero (the only one DTLS-SRTP uses).</summary>
internal static class SrtpKeyDerivation
{
    public const byte RtpCipherLabel = 0;
    public const byte RtpAuthLabel = 1;
    public const byte RtpSaltLabel = 2;
    public const byte RtcpCipherLabel = 3;
    public const byte RtcpAuthLabel = 4;
    public const byte RtcpSaltLabel = 5;
    public const int AuthKeyLength = 20;

    /// <summary>
    /// The AES-CM PRF keyed with the master key, at IV = (master_salt XOR label·2^48)·2^16. A 96-bit
    /// GCM master salt sits left-aligned with two zero bytes after it, as libsrtp does (RFC 7714 §11).
    /// </summary>
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        Span<byte> iv = stackalloc byte[16];
        iv.Clear();
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        output.Clear();
        using var prf = new AesCounterMode(masterKey);
        prf.Apply(iv, output);
    }

    public static SrtpSessionKeys Rtp(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt) =>
        Session(profile, masterKey, masterSalt, RtpCipherLabel, RtpAuthLabel, RtpSaltLabel);

    public static SrtpSessionKeys Rtcp(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt) =>
        Session(profile, masterKey, masterSalt, RtcpCipherLabel, RtcpAuthLabel, RtcpSaltLabel);

    private static SrtpSessionKeys Session(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte cipherLabel, byte authLabel, byte saltLabel)
    {
        if (masterKey.Length != profile.MasterKeyLength() || masterSalt.Length != profile.MasterSaltLength())
        {
            throw new ArgumentException($"{profile} takes a {profile.MasterKeyLength()}-byte master key and a {profile.MasterSaltLength()}-byte master salt");
        }

        var cipherKey = new byte[masterKey.Length];
        var salt = new byte[masterSalt.Length];
        var authKey = profile.IsAead() ? [] : new byte[AuthKeyLength];
        Derive(masterKey, masterSalt, cipherLabel, cipherKey);
        Derive(masterKey, masterSalt, saltLabel, salt);
        if (authKey.Length > 0)
        {
            Derive(masterKey, masterSalt, authLabel, authKey);
        }

        return new SrtpSessionKeys(cipherKey, salt, authKey);
    }
}
