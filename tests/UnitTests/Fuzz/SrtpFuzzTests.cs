using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using OrleansLive.UnitTests.Rtc.Srtp;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// Seeded random mutations of genuine SRTP and SRTCP packets fed to the unprotect side: it must
/// never throw, must reject every input that differs from a packet the sender produced, and must
/// still accept the genuine packets afterwards (forgeries leave no state behind).
/// </summary>
public class SrtpFuzzTests
{
    private const int InputsPerProfile = 5000;

    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_80, 1)]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_32, 2)]
    [InlineData(SrtpProfile.AeadAes128Gcm, 3)]
    [InlineData(SrtpProfile.AeadAes256Gcm, 4)]
    public void Mutated_packets_never_throw_and_never_authenticate(SrtpProfile profile, int seed)
    {
        var random = new Random(seed);
        var key = new byte[profile.MasterKeyLength()];
        var salt = new byte[profile.MasterSaltLength()];
        random.NextBytes(key);
        random.NextBytes(salt);
        using var sender = new SrtpContext(profile, key, salt);
        using var receiver = new SrtpContext(profile, key, salt);

        var rtp = Enumerable.Range(0, 32).Select(i => SrtpContextTests.Protect(sender, SrtpContextTests.Rtp((ushort)(65520 + i), ssrc: (uint)(i % 3), payload: random.Next(0, 300)))).ToArray();
        var rtcp = Enumerable.Range(0, 32).Select(i => SrtpContextTests.Protect(sender, SrtpContextTests.Rtcp(ssrc: (uint)(i % 3), n: i), rtcp: true)).ToArray();

        for (var n = 0; n < InputsPerProfile; n++)
        {
            var isRtcp = (n & 1) == 1;
            var genuine = isRtcp ? rtcp[random.Next(rtcp.Length)] : rtp[random.Next(rtp.Length)];
            var input = Mutations.Mutate(random, genuine, maxEdits: 4, maxChunk: 40);
            if (input.AsSpan().SequenceEqual(genuine))
            {
                continue;
            }

            var accepted = isRtcp ? receiver.UnprotectRtcp(input, out _) : receiver.UnprotectRtp(input, out _);
            Assert.False(accepted, $"mutation {n} of a {(isRtcp ? "SRTCP" : "SRTP")} packet authenticated");
        }

        Assert.Equal(0, receiver.StreamCount);
        foreach (var packet in rtp)
        {
            Assert.True(receiver.UnprotectRtp((byte[])packet.Clone(), out _));
        }

        foreach (var packet in rtcp)
        {
            Assert.True(receiver.UnprotectRtcp((byte[])packet.Clone(), out _));
        }
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(99);
        using var receiver = new SrtpContext(SrtpProfile.Aes128CmHmacSha1_80, new byte[16], new byte[14]);
        using var gcm = new SrtpContext(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[12]);
        for (var n = 0; n < 2000; n++)
        {
            var input = new byte[random.Next(0, 200)];
            random.NextBytes(input);
            if (input.Length > 0 && random.Next(2) == 0)
            {
                input[0] = (byte)(0x80 | (input[0] & 0x3F));
            }

            Assert.False(receiver.UnprotectRtp((byte[])input.Clone(), out _));
            Assert.False(receiver.UnprotectRtcp((byte[])input.Clone(), out _));
            Assert.False(gcm.UnprotectRtp((byte[])input.Clone(), out _));
            Assert.False(gcm.UnprotectRtcp((byte[])input.Clone(), out _));
        }
    }
}
