using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Srt;

public class SrtBadInputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>What the gateway will do: parse the streamid and refuse what it cannot serve.</summary>
    private static SrtHandshakeDecision Validate(SrtHandshake handshake)
    {
        if (!SrtStreamId.TryParse(handshake.StreamId, out var id, out var reason))
        {
            return SrtHandshakeDecision.Reject($"bad streamid: {reason}", SrtRejectCodes.BadRequest);
        }
        return id.Stream == "banned" ? SrtHandshakeDecision.Reject("stream is banned") : SrtHandshakeDecision.Accept;
    }

    [Theory]
    [InlineData("#!::r=live/banned,m=publish", "stream is banned (reject code 1403)")]
    [InlineData("#!::r=live/s,m=play", "bad streamid: unknown mode m=play (expected publish or request) (reject code 1400)")]
    [InlineData("#!::garbage", "bad streamid: malformed key=value pair 'garbage' (reject code 1400)")]
    public async Task RefusedStreamIdIsLoggedAndTheCallerTold(string streamId, string logged)
    {
        using var srt = new SrtTestServer(validator: Validate);
        await using var ffmpeg = SrtTs.Publish(srt.Url(streamId));
        await Wait.UntilAsync(() => srt.Logged($"streamid '{streamId}': {logged}"), Timeout, "the refusal to be logged");
        Assert.True(await ffmpeg.WaitForExitAsync(Timeout), "ffmpeg kept running after the refusal");
        Assert.NotEqual(0, ffmpeg.ExitCode);
        Assert.False(srt.Server.Accepted.TryRead(out _));
    }

    [Fact]
    public async Task GarbageFloodsAndRefusalsDoNotDisturbAnEstablishedConnection()
    {
        using var srt = new SrtTestServer(validator: Validate);
        var target = new IPEndPoint(IPAddress.Loopback, srt.Port);
        await using var publisher = SrtTs.Publish(srt.Url("#!::r=live/s,m=publish"));
        var connection = await srt.NextConnectionAsync(Timeout);
        await SrtTs.ReadTsAsync(connection, 50_000, Timeout);
        var reading = Task.Run(() => SrtTs.ReadTsAsync(connection, 400_000, TimeSpan.FromSeconds(60)));

        var random = new Random(1);
        using (var garbage = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            for (var i = 0; i < 1000; i++)
            {
                var datagram = new byte[random.Next(1, 1500)];
                random.NextBytes(datagram);
                if (i % 4 == 0 && datagram.Length >= 16)
                {
                    // A data packet aimed at the live connection's socket id from a stranger's address.
                    datagram[0] &= 0x7F;
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(datagram.AsSpan(12), connection.SocketId);
                }
                await garbage.SendAsync(datagram, target);
            }
        }
        // Half-open handshakes from 500 source ports: inductions, and conclusions with made-up cookies.
        for (var i = 0; i < 500; i++)
        {
            using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var packet = i % 2 == 0
                ? RawSrtHandshake.InductionRequest(random.Next())
                : RawSrtHandshake.ConclusionRequest(random.Next(), (uint)random.Next());
            await caller.SendAsync(packet, target);
        }
        await using (var refused = SrtTs.Publish(srt.Url("#!::r=live/banned,m=publish")))
        {
            await Wait.UntilAsync(() => srt.Logged("stream is banned"), Timeout, "the refusal to be logged");
        }

        await reading;
        Assert.False(connection.IsClosed);
        Assert.Same(connection, Assert.Single(srt.Server.Connections));

        // The listener still takes new callers.
        await using var second = SrtTs.Publish(srt.Url("#!::r=live/s2,m=publish"));
        var next = await srt.NextConnectionAsync(Timeout);
        Assert.Equal("#!::r=live/s2,m=publish", next.StreamId);
        await SrtTs.ReadTsAsync(next, 50_000, Timeout);
    }

    [Fact]
    public async Task CallersThatCompleteTheHandshakeAndFallSilentAreClosedByTheIdleTimeout()
    {
        using var srt = new SrtTestServer(new SrtServerOptions { PeerIdleTimeoutMs = 2000 });
        var target = new IPEndPoint(IPAddress.Loopback, srt.Port);
        await using var publisher = SrtTs.Publish(srt.Url("#!::r=live/s,m=publish"));
        var live = await srt.NextConnectionAsync(Timeout);
        var reading = Task.Run(() => SrtTs.ReadTsAsync(live, 300_000, TimeSpan.FromSeconds(60)));

        var random = new Random(2);
        var callers = Enumerable.Range(0, 20).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToList();
        try
        {
            foreach (var caller in callers)
            {
                Assert.True(await RawSrtHandshake.CompleteAndGoSilentAsync(caller, target, random.Next(1, int.MaxValue), Timeout), "the listener did not answer the conclusion");
            }
            var silent = new List<SrtConnection>();
            while (silent.Count < callers.Count)
            {
                silent.Add(await srt.NextConnectionAsync(Timeout));
            }
            foreach (var connection in silent)
            {
                Assert.Equal(SrtCloseReason.PeerClosedOrBroken, (await connection.Closed.WaitAsync(Timeout)).Reason);
                Assert.Equal(0, connection.BytesReceived);
            }
        }
        finally
        {
            callers.ForEach(c => c.Dispose());
        }
        await reading;
        Assert.False(live.IsClosed);
        Assert.Same(live, Assert.Single(srt.Server.Connections));
    }
}
