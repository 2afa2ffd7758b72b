using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLive.GatewayEdge.Protocols.Srt;

namespace OrleansLive.IntegrationTests.Srt;

public class SrtServerLifecycleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ASecondServerOnATakenPortFailsWithoutHurtingTheFirst()
    {
        using var srt = new SrtTestServer();
        var clash = new SrtServer(new SrtServerOptions { BindAddress = IPAddress.Loopback, Port = srt.Port }, NullLogger<SrtServer>.Instance);
        var error = Assert.Throws<SrtException>(clash.Start);
        Assert.Contains($"listen on 127.0.0.1:{srt.Port} failed", error.Message);
        clash.Dispose();

        await using var ffmpeg = SrtTs.Publish(srt.Url("#!::r=live/s,m=publish"));
        var connection = await srt.NextConnectionAsync(Timeout);
        await SrtTs.ReadTsAsync(connection, 50_000, Timeout);
    }

    [Fact]
    public async Task DualStackListenerTakesIPv4Callers()
    {
        using var server = new SrtServer(new SrtServerOptions { BindAddress = IPAddress.IPv6Any, Port = 0 }, NullLogger<SrtServer>.Instance);
        server.Start();
        await using var ffmpeg = SrtTs.Publish($"srt://127.0.0.1:{server.LocalEndPoint!.Port}?streamid=live/v4&pkt_size=1316");
        using var cts = new CancellationTokenSource(Timeout);
        var connection = await server.Accepted.ReadAsync(cts.Token);
        Assert.Equal(IPAddress.Loopback, connection.RemoteEndPoint!.Address.MapToIPv4());
        Assert.Equal("live/v4", connection.StreamId);
        await SrtTs.ReadTsAsync(connection, 20_000, Timeout);
    }

    [Theory]
    [InlineData(-1L, 1000.0)]
    [InlineData(25_000_000L, 200.0)]
    public async Task TheSendingCeilingIsLibsrtsUnlessMaxBwSetsIt(long maxBandwidth, double expectedMbps)
    {
        using var server = new SrtServer(new SrtServerOptions { BindAddress = IPAddress.Loopback, Port = 0, MaxBandwidth = maxBandwidth }, NullLogger<SrtServer>.Instance);
        server.Start();
        await using var ffmpeg = SrtTs.Publish($"srt://127.0.0.1:{server.LocalEndPoint!.Port}?streamid=live/bw&pkt_size=1316");
        using var cts = new CancellationTokenSource(Timeout);
        var connection = await server.Accepted.ReadAsync(cts.Token);
        await SrtTs.ReadTsAsync(connection, 20_000, Timeout);
        Assert.Equal(expectedMbps, connection.Stats()!.MaxBandwidthMbps, precision: 0);
    }

    [Fact]
    public void InvalidOptionsAreRefusedBeforeBinding()
    {
        Assert.Throws<ArgumentException>(() => new SrtServerOptions { Passphrase = "short" }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtServerOptions { PbKeyLength = 20 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new SrtServerOptions { PayloadSize = 2000 }.Validate());
        new SrtServerOptions { Passphrase = "long-enough-secret", PbKeyLength = 32 }.Validate();
    }

    [Fact]
    public async Task StoppingTheServerClosesItsConnections()
    {
        var srt = new SrtTestServer();
        await using var ffmpeg = SrtTs.Publish(srt.Url("#!::r=live/s,m=publish"));
        var connection = await srt.NextConnectionAsync(Timeout);
        await SrtTs.ReadTsAsync(connection, 20_000, Timeout);

        srt.Dispose();
        Assert.Equal(SrtCloseReason.ServerStopped, (await connection.Closed.WaitAsync(Timeout)).Reason);
        Assert.Empty(srt.Server.Connections);
        await srt.Server.Accepted.Completion.WaitAsync(Timeout);
        Assert.Equal(SrtSendResult.Closed, connection.Send(new byte[188]));
        Assert.True(connection.Stats()!.BytesReceived > 0);
    }
}
