using System.Net;
using System.Net.Sockets;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Hostile;

/// <summary>The server under a descriptor limit of 800 (prlimit), so a flood can reach it in seconds.</summary>
public sealed class DescriptorLimitedServer : ServerProcess
{
    public const int DescriptorLimit = 800;

    protected override string[] Launcher => ["prlimit", $"--nofile={DescriptorLimit}:{DescriptorLimit}"];

    protected override IEnumerable<string> Settings() =>
        ["--Gateway:MaxConnections=0", "--Gateway:HandshakeTimeoutSeconds=4", "--Gateway:HttpKeepAliveTimeoutSeconds=4"];
}

/// <summary>
/// More connections than the process has descriptors for, on both ports: before the descriptor budget, the HTTP port's
/// flood took the last descriptors and the runtime died ("Out of memory."), since with W^X it maps new code through one.
/// </summary>
public sealed class DescriptorLimitTests(DescriptorLimitedServer server, ITestOutputHelper output) : IClassFixture<DescriptorLimitedServer>
{
    private const int Flood = 1500;
    private static readonly TimeSpan Deadline = ServerProcess.Deadline;

    [Fact]
    public async Task A_flood_past_the_descriptor_limit_is_closed_at_once_and_the_server_and_its_players_live_on()
    {
        var stream = "fd" + Ids.Random(5);
        await using var publisher = MediaTools.Publish(server.Rtmp("live", stream), 0);
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == System.Text.Json.JsonValueKind.Object,
            Deadline, "the stream published");
        await using var player = Ffmpeg.Play(server.Flv("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 25, Deadline, "the player decoding");

        foreach (var (port, protocol) in new[] { (server.HttpPort, "http"), (server.RtmpPort, "rtmp") })
        {
            var sockets = new List<Socket>();
            try
            {
                for (var i = 0; i < Flood; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    sockets.Add(socket);
                    try
                    {
                        await socket.ConnectAsync(IPAddress.Loopback, port);
                    }
                    catch (SocketException)
                    {
                        // Reset while connecting: closed at once past the budget, as it should be.
                    }
                }
                var metrics = PrometheusText.Parse(await server.Http.GetStringAsync($"http://127.0.0.1:{server.ApiPort}/metrics"));
                var descriptors = Directory.GetFiles($"/proc/{server.Process.Id}/fd").Length;
                output.WriteLine($"{protocol}: {Flood} connections; the server holds {descriptors} of {DescriptorLimitedServer.DescriptorLimit} descriptors");
                Assert.True(descriptors < DescriptorLimitedServer.DescriptorLimit - 50, $"{descriptors} descriptors open");
                await Wait.UntilAsync(async () => PrometheusText.Parse(await server.Http.GetStringAsync($"http://127.0.0.1:{server.ApiPort}/metrics"))
                    .Sum("live_gateway_connection_drops_total", ("protocol", protocol), ("reason", "descriptors")) > 0, Deadline, $"{protocol} connections past the budget counted");
                var frames = Ffmpeg.FramesDecoded(player.StdErr);
                await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= frames + 50, Deadline, "the player still decoding");
            }
            finally
            {
                foreach (var socket in sockets)
                {
                    socket.Dispose();
                }
            }
            Assert.False(server.Process.HasExited, server.Process.StdOut + server.Process.StdErr);
        }

        // New clients are served again once the flood is gone.
        await Wait.UntilAsync(async () => (await Ffmpeg.ProbeStreamsAsync(server.Rtmp("live", stream), Deadline)).Length == 2, Deadline, "a new RTMP player served");
        Assert.False(publisher.HasExited, publisher.StdErr);
        Assert.True(server.Logged("the most the descriptor limit leaves room for"));
    }
}
