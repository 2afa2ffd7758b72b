using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using static OrleansLive.UnitTests.Rtc.Dtls.DtlsTestPeers;

namespace OrleansLive.UnitTests.Rtc.Dtls;

/// <summary>The DTLS export feeds the SRTP layer: what one side protects, the other unprotects.</summary>
public class DtlsSrtpKeyingTests
{
    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public async Task NegotiatedKeysCarrySrtpBothWays(SrtpProfile profile)
    {
        var link = new DatagramLink();
        var handshaker = new DtlsHandshaker();
        var results = await Task.WhenAll(handshaker.AcceptAsync(link.Server, Server(profiles: [profile])),
            handshaker.ConnectAsync(link.Client, Client())).WaitAsync(Deadline);
        var (server, client) = (results[0].SrtpKeys, results[1].SrtpKeys);
        Assert.Equal(profile, server.Profile);

        using var serverOut = server.CreateOutbound();
        using var clientIn = client.CreateInbound();
        using var clientOut = client.CreateOutbound();
        using var serverIn = server.CreateInbound();
        Assert.True(clientIn.UnprotectRtp(Protect(serverOut, 1), out var downLength));
        Assert.True(serverIn.UnprotectRtp(Protect(clientOut, 2), out var upLength));
        Assert.Equal(RtpLength, downLength);
        Assert.Equal(RtpLength, upLength);
    }

    private const int RtpLength = 12 + 20;

    private static byte[] Protect(SrtpContext context, ushort sequence)
    {
        var packet = new byte[RtpLength + 16];
        packet[0] = 0x80;
        packet[1] = 96;
        packet[2] = (byte)(sequence >> 8);
        packet[3] = (byte)sequence;
        packet[11] = 0x42;
        var length = context.ProtectRtp(packet, RtpLength);
        return packet[..length];
    }
}
