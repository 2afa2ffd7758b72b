using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.UnitTests.Rtc.Srtp;

/// <summary>
/// Byte-exact agreement with libsrtp 2.5.0 (Debian's libsrtp2-1, driven through python3-pylibsrtp):
/// it protected these packets under the master key (key then salt) shown, one outbound session per
/// profile, in this order. RTP: sequence 65534, 65535 (CSRC and a one-byte header extension), 0 (ROC
/// now 1), 1 (CSRC and extension); RTCP: two sender reports (SRTCP index 1, 2).
/// </summary>
public class SrtpLibSrtpVectorTests
{
    private sealed record Vectors(string MasterKey, (string Plain, string Protected)[] Rtp, (string Plain, string Protected)[] Rtcp);

    private static readonly Dictionary<SrtpProfile, Vectors> LibSrtp = new()
    {
        [SrtpProfile.Aes128CmHmacSha1_80] = new(
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
            [
                ("80e0fffe0bb9482011223344feff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526",
                 "80e0fffe0bb94820112233443ba10ae43e4b7b1dcde07616b762bca47521994e34a1d8aa93c47bfa1b9c8fedc17da546384b2a6d663d647d73e1b7b8d3ef2b"),
                ("91e0ffff0bb953d811223344aabbccddbede000110550000ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223",
                 "91e0ffff0bb953d811223344aabbccddbede0001105500001324b461f63f64a3880181b48a6b984c2b74368205fc545ba1464041d72ac5b4c98c5dcb237c65f79559a3efa96b19"),
                ("80e0000000015f9011223344000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324",
                 "80e0000000015f90112233444b25c7d4b3c0aff8335bf0a2fbbecb2b3fc8dd241e02e282ca7135cd49ffd79afa7b675b77c02befb6b8d5ef5d24ac"),
                ("91e0000100016b4811223344aabbccddbede0001105500000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526",
                 "91e0000100016b4811223344aabbccddbede000110550000dbcb9cda24f7846963dd84e09f3ad01c6c17f484865eef3c716445f331567a62ed03b11c73f51eed2c0a99d1239f1992"),
            ],
            [
                ("80c8000611223344000102030405060708090a0b0c0d0e0f10111213",
                 "80c80006112233443deefef13a6531857d5a68d82ecadda5c0db15648000000135d6ec7ed25095a915dd"),
                ("80c80006112233440708090a0b0c0d0e0f101112131415161718191a",
                 "80c80006112233441160082640c70efebae2f2c22ebb81cd40cfa7c7800000021dbec726805195d1ff6c"),
            ]),
        [SrtpProfile.Aes128CmHmacSha1_32] = new(
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
            [
                ("80e0fffe0bb9482011223344feff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526",
                 "80e0fffe0bb94820112233443ba10ae43e4b7b1dcde07616b762bca47521994e34a1d8aa93c47bfa1b9c8fedc17da546384b2a6d663d647d73"),
                ("91e0ffff0bb953d811223344aabbccddbede000110550000ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223",
                 "91e0ffff0bb953d811223344aabbccddbede0001105500001324b461f63f64a3880181b48a6b984c2b74368205fc545ba1464041d72ac5b4c98c5dcb237c65f795"),
                ("80e0000000015f9011223344000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324",
                 "80e0000000015f90112233444b25c7d4b3c0aff8335bf0a2fbbecb2b3fc8dd241e02e282ca7135cd49ffd79afa7b675b77c02befb6"),
                ("91e0000100016b4811223344aabbccddbede0001105500000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526",
                 "91e0000100016b4811223344aabbccddbede000110550000dbcb9cda24f7846963dd84e09f3ad01c6c17f484865eef3c716445f331567a62ed03b11c73f51eed2c0a"),
            ],
            [
                ("80c8000611223344000102030405060708090a0b0c0d0e0f10111213",
                 "80c80006112233443deefef13a6531857d5a68d82ecadda5c0db15648000000135d6ec7ed25095a915dd"),
                ("80c80006112233440708090a0b0c0d0e0f101112131415161718191a",
                 "80c80006112233441160082640c70efebae2f2c22ebb81cd40cfa7c7800000021dbec726805195d1ff6c"),
            ]),
        [SrtpProfile.AeadAes128Gcm] = new(
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c",
            [
                ("80e0fffe0bb9482011223344feff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526",
                 "80e0fffe0bb9482011223344c7ab3246ca57f4528989cc3826bea699b6bdc7938dea852a8c809a2a375d106f56f778fa6fa4f1342d2c7d0af73436e6d1478a8065196a5765"),
                ("91e0ffff0bb953d811223344aabbccddbede000110550000ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223",
                 "91e0ffff0bb953d811223344aabbccddbede00011055000065243908bb4ff7f7b03c1790e1593c84b7a5cd0ba5665bd01d89c58d23019179ae018e2d13b1ed3be34ba605d7834aa85594513f57"),
                ("80e0000000015f9011223344000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324",
                 "80e0000000015f901122334463e9d34895d19871a1dfbb1ca7f5a95a60185a23db08bdd8313be9fc6957946fc01092e1eae16186e2bddd1e64e2744a5ca90ddafe"),
                ("91e0000100016b4811223344aabbccddbede0001105500000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526",
                 "91e0000100016b4811223344aabbccddbede000110550000bf1fdccbb243c962f5d0d06b286fe3eb42daab91f70a2d1de846233c1c1433c29227c974f0ad30921d9c3b5ad45f9051374ac78cd044"),
            ],
            [
                ("80c8000611223344000102030405060708090a0b0c0d0e0f10111213",
                 "80c80006112233443c5d2d1f634f91137e57ee5828b8a64925a9c708b1443277a8312a56ace6e9bb5728a41e80000001"),
                ("80c80006112233440708090a0b0c0d0e0f101112131415161718191a",
                 "80c8000611223344270dcfa68ae42758069d9490cad83295531ed52b3f2719e9a394dc6dc9e7ae2b86732c1880000002"),
            ]),
        [SrtpProfile.AeadAes256Gcm] = new(
            "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c",
            [
                ("80e0fffe0bb9482011223344feff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526",
                 "80e0fffe0bb948201122334452980865560fae45d160724cdc50aa45784fabdcdab82516f58fc392a5d6e88788295245da44cb75b83df588c6690b3169265aae0fd1699b93"),
                ("91e0ffff0bb953d811223344aabbccddbede000110550000ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223",
                 "91e0ffff0bb953d811223344aabbccddbede0001105500006fe80e6ce17ee164542aafecc3514c1903650f2c57f042adb6e8dc4607ecde314cc574deb60088ac5c809b024ea483656ef5990264"),
                ("80e0000000015f9011223344000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324",
                 "80e0000000015f90112233442d89ea64e94990b3c1d2ab5c4c93bd97b2756594c4f4e18a09d0c73235879ec4dc71c615449ad82725ed941ecdec4efac357a187c5"),
                ("91e0000100016b4811223344aabbccddbede0001105500000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223242526",
                 "91e0000100016b4811223344aabbccddbede000110550000fcab0a96c07286a3d78d02df28c6f1b9b5c8ec6b2ae874c4b395ec0346eb44afca758b643ab15947df8aa556dc59cab627434bd7facd"),
            ],
            [
                ("80c8000611223344000102030405060708090a0b0c0d0e0f10111213",
                 "80c80006112233448e10b0938077ff70e6c7fa1b979f6df4c728b3775eda60216dff5569e69ac9b02bfd9f4980000001"),
                ("80c80006112233440708090a0b0c0d0e0f101112131415161718191a",
                 "80c80006112233441d991d0e00a0f311d9c0c979e24f32bcaab9f56a0a19caa014e5e97385c65bc37c2e446880000002"),
            ]),
    };

    public static TheoryData<SrtpProfile> Profiles => [SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.Aes128CmHmacSha1_32, SrtpProfile.AeadAes128Gcm, SrtpProfile.AeadAes256Gcm];

    private static SrtpContext Context(SrtpProfile profile)
    {
        var master = Convert.FromHexString(LibSrtp[profile].MasterKey);
        var keyLength = profile.MasterKeyLength();
        return new SrtpContext(profile, master.AsSpan(0, keyLength), master.AsSpan(keyLength));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Protects_rtp_as_libsrtp_does(SrtpProfile profile)
    {
        using var sender = Context(profile);
        foreach (var (plain, expected) in LibSrtp[profile].Rtp)
        {
            var buffer = new byte[1500];
            var packet = Convert.FromHexString(plain);
            packet.CopyTo(buffer, 0);
            var length = sender.ProtectRtp(buffer, packet.Length);
            Assert.Equal(expected, Convert.ToHexString(buffer, 0, length).ToLowerInvariant());
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Unprotects_libsrtp_rtp(SrtpProfile profile)
    {
        using var receiver = Context(profile);
        foreach (var (plain, protectedHex) in LibSrtp[profile].Rtp)
        {
            var packet = Convert.FromHexString(protectedHex);
            Assert.True(receiver.UnprotectRtp(packet, out var length));
            Assert.Equal(plain, Convert.ToHexString(packet, 0, length).ToLowerInvariant());
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Protects_and_unprotects_rtcp_as_libsrtp_does(SrtpProfile profile)
    {
        using var sender = Context(profile);
        using var receiver = Context(profile);
        foreach (var (plain, expected) in LibSrtp[profile].Rtcp)
        {
            var buffer = new byte[1500];
            var packet = Convert.FromHexString(plain);
            packet.CopyTo(buffer, 0);
            var length = sender.ProtectRtcp(buffer, packet.Length);
            Assert.Equal(expected, Convert.ToHexString(buffer, 0, length).ToLowerInvariant());

            var theirs = Convert.FromHexString(expected);
            Assert.True(receiver.UnprotectRtcp(theirs, out var plainLength));
            Assert.Equal(plain, Convert.ToHexString(theirs, 0, plainLength).ToLowerInvariant());
        }
    }
}
