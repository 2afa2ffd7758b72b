using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Srt;

public class SrtPublishPlayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FfmpegPublishesTsWithItsStreamId()
    {
        using var srt = new SrtTestServer();
        await using var ffmpeg = SrtTs.Publish(srt.Url("#!::r=live/s,m=publish"));
        var connection = await srt.NextConnectionAsync(Timeout);
        Assert.Equal("#!::r=live/s,m=publish", connection.StreamId);
        Assert.True(SrtStreamId.TryParse(connection.StreamId, out var id, out _));
        Assert.Equal(new SrtStreamId("", "live", "s", SrtMode.Publish, ""), id);
        Assert.Equal(IPAddress.Loopback, connection.RemoteEndPoint!.Address);

        var read = await SrtTs.ReadTsAsync(connection, 200_000, Timeout);
        Assert.True(connection.BytesReceived >= read);
        var stats = connection.Stats();
        Assert.NotNull(stats);
        Assert.True(stats.BytesReceived >= (ulong)read, $"libsrt counted {stats.BytesReceived} bytes");
    }

    [Fact]
    public async Task PublisherThatEndsClosesTheConnection()
    {
        using var srt = new SrtTestServer();
        await using var ffmpeg = SrtTs.Publish(srt.Url("#!::r=live/short,m=publish"), seconds: 2);
        var connection = await srt.NextConnectionAsync(Timeout);
        var drain = Task.Run(async () =>
        {
            await foreach (var message in connection.Messages.ReadAllAsync())
            {
                message.Dispose();
            }
        });
        var closed = await connection.Closed.WaitAsync(Timeout);
        Assert.Equal(SrtCloseReason.PeerClosedOrBroken, closed.Reason);
        await drain.WaitAsync(Timeout);
        Assert.True(connection.BytesReceived > 10_000, $"received {connection.BytesReceived} bytes");
        Assert.Empty(srt.Server.Connections);
        Assert.True(srt.Logged("closed (PeerClosedOrBroken"), srt.AllLogs);
    }

    [Fact]
    public async Task FfprobePlaysTheTsTheServerSends()
    {
        var file = Path.Combine(Path.GetTempPath(), $"srt-play-{Guid.NewGuid():N}.ts");
        try
        {
            var ts = await SrtTs.MakeFileAsync(file, seconds: 4);
            using var srt = new SrtTestServer();
            using var stop = new CancellationTokenSource();
            var server = ServeEveryPlayerAsync(srt, ts, stop.Token);

            var streams = await Ffmpeg.ProbeStreamsAsync(srt.Url("#!::r=live/s,m=request"), Timeout);
            var video = Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "video");
            Assert.Equal("h264", video.GetProperty("codec_name").GetString());
            Assert.Equal(640, video.GetProperty("width").GetInt32());
            Assert.Equal(360, video.GetProperty("height").GetInt32());
            stop.Cancel();
            await server;
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task SrtLiveTransmitReceivesTheTsTheServerSends()
    {
        var source = Path.Combine(Path.GetTempPath(), $"srt-src-{Guid.NewGuid():N}.ts");
        var received = Path.Combine(Path.GetTempPath(), $"srt-got-{Guid.NewGuid():N}.ts");
        try
        {
            var ts = await SrtTs.MakeFileAsync(source, seconds: 4);
            using var srt = new SrtTestServer();
            // srt-live-transmit relays what it plays to a UDP port this test reads (its file target is stdout only).
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            await using var player = ExternalProcess.Start("srt-live-transmit", "-a:no", "-loglevel:error",
                $"srt://127.0.0.1:{srt.Port}?streamid=#!::r=live/s,m=request", $"udp://127.0.0.1:{udpPort}");
            var connection = await srt.NextConnectionAsync(Timeout);
            Assert.Equal("#!::r=live/s,m=request", connection.StreamId);
            using var stop = new CancellationTokenSource();
            var playing = SrtTs.PlayOutAsync(connection, ts, stop.Token);

            using var got = new MemoryStream();
            using (var deadline = new CancellationTokenSource(Timeout))
            {
                while (got.Length <= ts.Length)
                {
                    var datagram = await udp.ReceiveAsync(deadline.Token);
                    Assert.Equal(0x47, datagram.Buffer[0]);
                    got.Write(datagram.Buffer);
                }
            }

            // A close from this side ends the connection with that reason.
            connection.Close();
            Assert.Equal(SrtCloseReason.ClosedLocally, (await connection.Closed.WaitAsync(Timeout)).Reason);
            stop.Cancel();
            await playing;
            Assert.True(connection.BytesSent > ts.Length);
            Assert.Equal(SrtSendResult.Closed, connection.Send(ts.AsSpan(0, 188)));

            await File.WriteAllBytesAsync(received, got.ToArray());
            var probe = await MediaTools.ProbeAsync(received);
            Assert.Equal("mpegts", probe.Format);
            Assert.Contains("h264", probe.Codecs);
        }
        finally
        {
            File.Delete(source);
            File.Delete(received);
        }
    }

    /// <summary>Plays the TS to every connection that arrives, until stopped.</summary>
    internal static async Task ServeEveryPlayerAsync(SrtTestServer srt, byte[] ts, CancellationToken stop)
    {
        var players = new List<Task>();
        try
        {
            while (true)
            {
                var connection = await srt.Server.Accepted.ReadAsync(stop);
                players.Add(SrtTs.PlayOutAsync(connection, ts, stop));
            }
        }
        catch (OperationCanceledException)
        {
        }
        await Task.WhenAll(players);
    }
}
