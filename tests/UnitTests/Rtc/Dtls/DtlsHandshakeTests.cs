using Org.BouncyCastle.Tls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using static OrleansLive.UnitTests.Rtc.Dtls.DtlsTestPeers;

namespace OrleansLive.UnitTests.Rtc.Dtls;

public class DtlsHandshakeTests
{
    [Fact]
    public async Task ClientAndServerAgreeOnProfileKeysAndFingerprints()
    {
        var link = new DatagramLink();
        var handshaker = new DtlsHandshaker();
        var server = handshaker.AcceptAsync(link.Server, Server());
        var client = handshaker.ConnectAsync(link.Client, Client());
        var results = await Task.WhenAll(server, client).WaitAsync(Deadline);

        var (s, c) = (results[0], results[1]);
        Assert.True(s.Succeeded, s.ToString());
        Assert.True(c.Succeeded, c.ToString());
        Assert.Equal(SrtpProfile.Aes128CmHmacSha1_80, s.Profile);
        Assert.Equal(s.Profile, c.Profile);
        Assert.Equal(60, s.KeyingMaterial.Length);
        Assert.Equal(s.KeyingMaterial, c.KeyingMaterial);
        Assert.Equal(ClientCertificate.Fingerprint, s.PeerFingerprint);
        Assert.Equal(ServerCertificate.Fingerprint, c.PeerFingerprint);
        // What one side sends with is what the other receives with.
        Assert.Equal(s.SrtpKeys.Local.Key, c.SrtpKeys.Remote.Key);
        Assert.Equal(s.SrtpKeys.Local.Salt, c.SrtpKeys.Remote.Salt);
        Assert.Equal(c.SrtpKeys.Local.Key, s.SrtpKeys.Remote.Key);
        Assert.NotEqual(s.SrtpKeys.Local.Key, s.SrtpKeys.Remote.Key);
        Assert.Equal(16, s.SrtpKeys.Local.Key.Length);
        Assert.Equal(14, s.SrtpKeys.Local.Salt.Length);
        Assert.Equal(0, handshaker.Admitted);
        s.Association!.Close();
        c.Association!.Close();
    }

    [Fact]
    public async Task ServerPreferringGcmChoosesItWhenTheClientOffersBoth()
    {
        var link = new DatagramLink();
        var handshaker = new DtlsHandshaker();
        var server = handshaker.AcceptAsync(link.Server, Server(profiles: [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1_80]));
        var client = handshaker.ConnectAsync(link.Client, Client());
        var results = await Task.WhenAll(server, client).WaitAsync(Deadline);

        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.All(results, r => Assert.Equal(SrtpProfile.AeadAes128Gcm, r.Profile));
        Assert.Equal(56, results[0].KeyingMaterial.Length);
        Assert.Equal(results[0].KeyingMaterial, results[1].KeyingMaterial);
        Assert.Equal(12, results[0].SrtpKeys.Remote.Salt.Length);
    }

    [Fact]
    public async Task ServerFallsBackToTheOnlyProfileTheClientOffers()
    {
        var link = new DatagramLink();
        var handshaker = new DtlsHandshaker();
        var server = handshaker.AcceptAsync(link.Server, Server(profiles: [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1_80]));
        var client = handshaker.ConnectAsync(link.Client, Client(profiles: [SrtpProfile.Aes128CmHmacSha1_80]));
        var results = await Task.WhenAll(server, client).WaitAsync(Deadline);

        Assert.All(results, r => Assert.Equal(SrtpProfile.Aes128CmHmacSha1_80, r.Profile));
    }

    [Fact]
    public async Task FingerprintMismatchFailsTheServerHandshake()
    {
        var link = new DatagramLink();
        var handshaker = new DtlsHandshaker();
        var server = handshaker.AcceptAsync(link.Server, Server(expectedClient: OtherCertificate.Fingerprint));
        var client = handshaker.ConnectAsync(link.Client, Client());
        var results = await Task.WhenAll(server, client).WaitAsync(Deadline);

        Assert.Equal(DtlsOutcome.Failed, results[0].Outcome);
        Assert.Contains("does not match", results[0].Error);
        Assert.Equal(ClientCertificate.Fingerprint, results[0].PeerFingerprint);
        Assert.Null(results[0].Association);
        Assert.True(link.Server.IsClosed);
        Assert.False(results[1].Succeeded);
    }

    [Fact]
    public async Task ClientRejectsAServerWhoseFingerprintIsNotTheAnswers()
    {
        var link = new DatagramLink();
        var handshaker = new DtlsHandshaker();
        var server = handshaker.AcceptAsync(link.Server, Server());
        var client = handshaker.ConnectAsync(link.Client, Client(expectedServer: OtherCertificate.Fingerprint));
        var results = await Task.WhenAll(server, client).WaitAsync(Deadline);

        Assert.Equal(DtlsOutcome.Failed, results[1].Outcome);
        Assert.Contains("does not match", results[1].Error);
        Assert.False(results[0].Succeeded);
    }

    [Fact]
    public async Task ClientWithoutUseSrtpFails()
    {
        var link = new DatagramLink();
        var handshaker = new DtlsHandshaker();
        var server = handshaker.AcceptAsync(link.Server, Server());
        var client = Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(new NoSrtpClient(ClientCertificate), link.Client),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var result = await server.WaitAsync(Deadline);
        Assert.Equal(DtlsOutcome.Failed, result.Outcome);
        Assert.Contains("no use_srtp", result.Error);
        var clientError = await Assert.ThrowsAnyAsync<Exception>(() => client.WaitAsync(Deadline));
        Assert.IsType<TlsFatalAlertReceived>(clientError, exactMatch: false);
    }

    [Fact]
    public async Task LossyLinkStillCompletesThroughRetransmission()
    {
        var link = new DatagramLink(dropEvery: 3);
        var handshaker = new DtlsHandshaker();
        var server = handshaker.AcceptAsync(link.Server, Server(resendMillis: 100));
        var client = handshaker.ConnectAsync(link.Client, Client(resendMillis: 100));
        var results = await Task.WhenAll(server, client).WaitAsync(Deadline);

        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
        Assert.Equal(results[0].KeyingMaterial, results[1].KeyingMaterial);
        Assert.True(link.ClientSent >= 3 || link.ServerSent >= 3);
    }

    [Fact]
    public async Task LostFinalServerFlightIsResentByTheCompletedAssociation()
    {
        // The server's last flight is its ChangeCipherSpec (type 20) and its epoch-1 Finished; lose the first copy of both.
        var dropped = 0;
        var link = new DatagramLink(dropFromServer: datagram =>
            (datagram[0] == 20 || (datagram[3] << 8 | datagram[4]) == 1) && Interlocked.Increment(ref dropped) <= 2);
        var handshaker = new DtlsHandshaker();
        var serverTask = handshaker.AcceptAsync(link.Server, Server(resendMillis: 100));
        var clientTask = handshaker.ConnectAsync(link.Client, Client(resendMillis: 100));

        // Accept returns once the final flight is sent, so only the association can resend it.
        var server = await serverTask.WaitAsync(Deadline);
        Assert.True(server.Succeeded, server.ToString());
        var client = await clientTask.WaitAsync(Deadline);

        Assert.True(client.Succeeded, client.ToString());
        Assert.True(Volatile.Read(ref dropped) > 2);
        Assert.Equal(server.KeyingMaterial, client.KeyingMaterial);
    }

    [Fact]
    public async Task GarbageDatagramsEndTheHandshakeWithoutThrowingAtTheFeeder()
    {
        var transport = new QueuedDatagramTransport(_ => { }, queueCapacity: 8);
        var handshaker = new DtlsHandshaker(new DtlsHandshakerOptions { Timeout = TimeSpan.FromSeconds(2) });
        var server = handshaker.AcceptAsync(transport, Server());

        var random = new Random(5764);
        var datagram = new byte[300];
        while (!server.IsCompleted)
        {
            random.NextBytes(datagram);
            datagram[0] = (byte)random.Next(20, 64);
            if (random.Next(2) == 0)
            {
                // A plausible DTLS 1.2 handshake record header around random content.
                datagram[0] = 22;
                datagram[1] = 0xFE;
                datagram[2] = 0xFD;
                datagram[3] = 0;
                datagram[4] = 0;
                datagram[11] = 1;
                datagram[12] = 19;
            }
            transport.Enqueue(datagram.AsSpan(0, random.Next(1, datagram.Length)));
            await Task.Yield();
        }

        var result = await server.WaitAsync(Deadline);
        Assert.False(result.Succeeded);
        Assert.Contains(result.Outcome, new[] { DtlsOutcome.Failed, DtlsOutcome.TimedOut });
        Assert.True(transport.IsClosed);
        Assert.False(transport.Enqueue(datagram));
        Assert.Equal(0, handshaker.Admitted);
    }

    [Fact]
    public async Task ClosingOneSideEndsTheOthersAssociation()
    {
        var link = new DatagramLink();
        var handshaker = new DtlsHandshaker();
        var results = await Task.WhenAll(handshaker.AcceptAsync(link.Server, Server()), handshaker.ConnectAsync(link.Client, Client()))
            .WaitAsync(Deadline);

        var serverAssociation = results[0].Association!;
        Assert.False(serverAssociation.IsClosed);
        results[1].Association!.Close();
        await serverAssociation.Closed.WaitAsync(Deadline);
        Assert.True(link.Server.IsClosed);
    }
}
