using System.Net;
using System.Net.Sockets;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>src/GatewayEdge run as its own process, joining the silo as an Orleans client.</summary>
[Collection(ServerCollection.Name)]
public sealed class StandaloneGatewayTests(ServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_standalone_gateway_serves_streams_and_reports_them_to_the_cluster()
    {
        var rtmpPort = TestServers.FreeTcpPort();
        var httpPort = TestServers.FreeTcpPort();
        var gatewayDll = Path.Combine(AppContext.BaseDirectory, "OrleansLive.GatewayEdge.dll");
        await using var gateway = ExternalProcess.Start("dotnet", gatewayDll,
            $"--Orleans:Gateways:0=127.0.0.1:{server.OrleansGatewayPort}",
            "--Gateway:ListenAddress=127.0.0.1",
            $"--Gateway:RtmpPort={rtmpPort}",
            "--Gateway:SrtPort=0",
            "--Gateway:RtcPort=0",
            $"--Gateway:HttpPort={httpPort}");
        // Its HTTP port opens before it reaches the silo; /readyz says when every listener is up.
        using var http = new HttpClient();
        await Wait.UntilAsync(async () => gateway.HasExited ? throw new InvalidOperationException(gateway.StdOut + gateway.StdErr)
            : await TestServers.IsOkAsync(http, $"http://127.0.0.1:{httpPort}/readyz"), Deadline, "standalone gateway ready");

        var stream = "edge" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish($"rtmp://127.0.0.1:{rtmpPort}/live/{stream}");
        await Wait.UntilAsync(async () => (await server.FindStreamAsync("live", stream))?.GetProperty("publish").GetProperty("active").GetBoolean() == true, Deadline, "stream from the standalone gateway in the silo's API");

        var streams = await Ffmpeg.ProbeStreamsAsync($"http://127.0.0.1:{httpPort}/live/{stream}.flv", Deadline);
        Assert.Contains(streams, s => s.GetProperty("codec_name").GetString() == "h264");

        // A kick through the silo's API reaches the player on the other process.
        await using var player = Ffmpeg.Play($"rtmp://127.0.0.1:{rtmpPort}/live/{stream}");
        var playerId = await Wait.ForAsync(async () =>
            (await server.FindClientsAsync(stream)).FirstOrDefault(c => c.GetProperty("type").GetString() == "rtmp-play").GetProperty("id").GetString(),
            Deadline, "standalone gateway's player in the API");
        using var response = await server.Api.DeleteAsync($"api/v1/clients/{playerId}");
        Assert.True(response.IsSuccessStatusCode);
        Assert.True(await player.WaitForExitAsync(Deadline), "kicked player should end");
    }
}
