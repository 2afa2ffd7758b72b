using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using static OrleansLive.UnitTests.Rtc.Dtls.DtlsTestPeers;

namespace OrleansLive.UnitTests.Rtc.Dtls;

/// <summary>The handshake against an independent DTLS-SRTP implementation: OpenSSL over real UDP.</summary>
public sealed class DtlsOpenSslTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dtls-openssl-").FullName;

    [Fact]
    public async Task OpenSslClientHandshakesWithTheServerAndExportsTheSameKeys()
    {
        var (certPath, keyPath) = OpenSslPeer.MakeCertificate(_dir);
        var opensslFingerprint = DtlsFingerprint.Compute(DerOfPem(certPath));
        using var pump = new UdpPump();
        var handshaker = new DtlsHandshaker();
        var server = handshaker.AcceptAsync(pump.Transport, Server(expectedClient: opensslFingerprint));

        using var openssl = OpenSslPeer.Start("s_client", "-dtls1_2", "-connect", $"127.0.0.1:{pump.Port}", "-mtu", "1200",
            "-use_srtp", "SRTP_AES128_CM_SHA1_80", "-cert", certPath, "-key", keyPath,
            "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "60");

        var result = await server.WaitAsync(Deadline);
        Assert.True(result.Succeeded, result + "\n" + openssl.Output);
        Assert.Equal(SrtpProfile.Aes128CmHmacSha1_80, result.Profile);
        Assert.Equal(opensslFingerprint, result.PeerFingerprint);

        var exported = await openssl.WaitForLine("Keying material:", Deadline);
        Assert.Equal(Convert.ToHexString(result.KeyingMaterial), exported.ToUpperInvariant());
        Assert.Contains("SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80", openssl.Output);
        result.Association!.Close();
    }

    [Fact]
    public async Task ClientHandshakesWithOpenSslServerOnGcm()
    {
        var (certPath, keyPath) = OpenSslPeer.MakeCertificate(_dir);
        var opensslFingerprint = DtlsFingerprint.Compute(DerOfPem(certPath));
        var port = FreeUdpPort();
        using var openssl = OpenSslPeer.Start("s_server", "-dtls1_2", "-accept", $"127.0.0.1:{port}", "-mtu", "1200",
            "-use_srtp", "SRTP_AEAD_AES_128_GCM", "-cert", certPath, "-key", keyPath, "-verify", "1",
            "-keymatexport", "EXTRACTOR-dtls_srtp", "-keymatexportlen", "56");
        await openssl.WaitForLine("ACCEPT", Deadline);

        using var pump = new UdpPump(new IPEndPoint(IPAddress.Loopback, port));
        var result = await new DtlsHandshaker().ConnectAsync(pump.Transport, Client(expectedServer: opensslFingerprint, resendMillis: 200))
            .WaitAsync(Deadline);

        Assert.True(result.Succeeded, result + "\n" + openssl.Output);
        Assert.Equal(SrtpProfile.AeadAes128Gcm, result.Profile);
        Assert.Equal(opensslFingerprint, result.PeerFingerprint);
        var exported = await openssl.WaitForLine("Keying material:", Deadline);
        Assert.Equal(Convert.ToHexString(result.KeyingMaterial), exported.ToUpperInvariant());
        result.Association!.Close();
    }

    private static byte[] DerOfPem(string path)
    {
        var pem = File.ReadAllText(path);
        var fields = PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
