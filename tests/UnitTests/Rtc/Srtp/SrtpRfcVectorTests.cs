using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.UnitTests.Rtc.Srtp;

/// <summary>The published test vectors: RFC 3711 Appendix B.2 and B.3, RFC 7714 §16 and §17.</summary>
public class SrtpRfcVectorTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void Aes_counter_keystream_matches_rfc3711_b2()
    {
        using var counter = new AesCounterMode(Hex("2B7E151628AED2A6ABF7158809CF4F3C"));
        var stream = new byte[0xff02 * 16];
        counter.Apply(Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), stream);

        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4", Convert.ToHexString(stream, 0x0000 * 16, 16));
        Assert.Equal("D23513162B02D0F72A43A2FE4A5F97AB", Convert.ToHexString(stream, 0x0001 * 16, 16));
        Assert.Equal("41E95B3BB0A2E8DD477901E4FCA894C0", Convert.ToHexString(stream, 0x0002 * 16, 16));
        Assert.Equal("EC8CDF7398607CB0F2D21675EA9EA1E4", Convert.ToHexString(stream, 0xfeff * 16, 16));
        Assert.Equal("362B7C3C6773516318A077D7FC5073AE", Convert.ToHexString(stream, 0xff00 * 16, 16));
        Assert.Equal("6A2CC3787889374FBEB4C81B17BA6C44", Convert.ToHexString(stream, 0xff01 * 16, 16));
    }

    [Fact]
    public void Srtp_iv_of_rfc3711_b2_comes_from_salt_ssrc_and_index()
    {
        // The B.2 session salt with SSRC 0 and index 0 is the B.2 counter block, so the first
        // keystream block is the vector's first block.
        var keys = new SrtpSessionKeys(Hex("2B7E151628AED2A6ABF7158809CF4F3C"), Hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"), new byte[20]);
        using var cipher = new SrtpCmHmacCipher(keys, 10);
        var packet = new byte[12 + 32 + 10];
        packet[0] = 0x80;
        cipher.ProtectRtp(packet, 12, 12 + 32, ssrc: 0, index: 0);
        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4D23513162B02D0F72A43A2FE4A5F97AB", Convert.ToHexString(packet, 12, 32));
    }

    [Fact]
    public void Key_derivation_matches_rfc3711_b3()
    {
        var masterKey = Hex("E1F97A0D3E018BE0D64FA32C06DE4139");
        var masterSalt = Hex("0EC675AD498AFEEBB6960B3AABE6");
        var cipherKey = new byte[16];
        var salt = new byte[14];
        var auth = new byte[94];
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpCipherLabel, cipherKey);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpSaltLabel, salt);
        SrtpKeyDerivation.Derive(masterKey, masterSalt, SrtpKeyDerivation.RtpAuthLabel, auth);

        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(cipherKey));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(salt));
        Assert.Equal(
            "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098"
            + "6371C10C9A369AC2F94A8C5FBCDDDC256D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2",
            Convert.ToHexString(auth));

        var session = SrtpKeyDerivation.Rtp(SrtpProfile.Aes128CmHmacSha1_80, masterKey, masterSalt);
        Assert.Equal(cipherKey, session.CipherKey);
        Assert.Equal(salt, session.Salt);
        Assert.Equal(auth[..20], session.AuthKey);
    }

    // RFC 7714 §16: "Gallia est omnis divisa in partes tres" behind a 12-byte header, SSRC 0x5501a0b2,
    // sequence 0xf17b, ROC 0, under the session key and salt below.
    private const string Rtp7714 = "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
    private const string Key128 = "000102030405060708090a0b0c0d0e0f";
    private const string Key256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    private const string Salt7714 = "517569642070726f2071756f";

    // RFC 7714 §17: the SRTCP packet of SSRC "Mars" at index 0x5d4.
    private const string Rtcp7714 = "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
    private const uint RtcpSsrc7714 = 0x4d617273;
    private const uint RtcpIndex7714 = 0x5d4;

    [Theory]
    [InlineData(Key128, "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce")]
    [InlineData(Key256, "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13")]
    public void Aead_srtp_matches_rfc7714_16(string key, string expected)
    {
        using var cipher = new SrtpGcmCipher(new SrtpSessionKeys(Hex(key), Hex(Salt7714), []));
        var plain = Hex(Rtp7714);
        var packet = new byte[plain.Length + 16];
        plain.CopyTo(packet, 0);

        Assert.Equal(packet.Length, cipher.ProtectRtp(packet, 12, plain.Length, 0x5501a0b2, 0xf17b));
        Assert.Equal(expected, Convert.ToHexString(packet).ToLowerInvariant());

        Assert.True(cipher.UnprotectRtp(packet, 12, 0x5501a0b2, 0xf17b));
        Assert.Equal(plain, packet[..^16]);
    }

    [Theory]
    [InlineData(Key128, "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4")]
    [InlineData(Key256, "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4")]
    public void Aead_srtcp_matches_rfc7714_17(string key, string expected)
    {
        using var cipher = new SrtpGcmCipher(new SrtpSessionKeys(Hex(key), Hex(Salt7714), []));
        var plain = Hex(Rtcp7714);
        var packet = new byte[plain.Length + 20];
        plain.CopyTo(packet, 0);

        Assert.Equal(packet.Length, cipher.ProtectRtcp(packet, plain.Length, RtcpSsrc7714, RtcpIndex7714));
        Assert.Equal(expected, Convert.ToHexString(packet).ToLowerInvariant());

        Assert.Equal(packet.Length - 4, cipher.RtcpIndexOffset(packet.Length));
        Assert.True(cipher.UnprotectRtcp(packet, RtcpSsrc7714, RtcpIndex7714, encrypted: true));
        Assert.Equal(plain, packet[..plain.Length]);
    }

    [Fact]
    public void Aead_srtcp_authenticated_only_matches_rfc7714_17_3()
    {
        // E flag clear: the packet travels in the clear, the tag covers it and the index word.
        using var cipher = new SrtpGcmCipher(new SrtpSessionKeys(Hex(Key128), Hex(Salt7714), []));
        var packet = Hex(Rtcp7714 + "841dd9683dd78ec92ae58790125f62b3000005d4");
        Assert.True(cipher.UnprotectRtcp(packet, RtcpSsrc7714, RtcpIndex7714, encrypted: false));
        Assert.Equal(Hex(Rtcp7714), packet[..^20]);

        var forged = Hex(Rtcp7714 + "841dd9683dd78ec92ae58790125f62b3000005d5");
        Assert.False(cipher.UnprotectRtcp(forged, RtcpSsrc7714, 0x5d5, encrypted: false));
    }

    [Fact]
    public void Aead_srtcp_with_one_flipped_ciphertext_bit_fails()
    {
        using var cipher = new SrtpGcmCipher(new SrtpSessionKeys(Hex(Key128), Hex(Salt7714), []));
        var packet = Hex("81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4");
        packet[20] ^= 1;
        Assert.False(cipher.UnprotectRtcp(packet, RtcpSsrc7714, RtcpIndex7714, encrypted: true));
    }
}
