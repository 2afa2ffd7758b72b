using System.Diagnostics;
using System.Globalization;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Silo;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests;

/// <summary>SRS's merged write (Vhosts:NAME:Play:MergedWriteMs, `play { mw_latency; }`): players decode
/// as before while their media arrives in bursts a window apart instead of frame by frame.</summary>
public sealed class MergedWriteTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Rtmp_and_http_flv_players_get_the_stream_in_bursts_of_the_window_and_decode_it()
    {
        await using var app = ServerApp.Build(
            ["--Vhosts:__defaultVhost__:Play:MergedWriteMs=350",
            "--Gateway:ListenAddress=127.0.0.1", "--Gateway:RtmpPort=0", "--Gateway:HttpPort=0", "--Gateway:SrtPort=0", "--Gateway:RtcPort=0",
            "--Api:ListenAddress=127.0.0.1", "--Api:Port=0",
            $"--Orleans:SiloPort={Port()}", $"--Orleans:GatewayPort={Port()}"]);
        var (rtmp, http, _) = await TestServers.StartAsync(app);
        try
        {
            var stream = "mw" + Ids.Random(5);
            await using var publisher = Ffmpeg.Publish($"rtmp://127.0.0.1:{rtmp}/live/{stream}");
            await using var rtmpPlayer = Ffmpeg.Play($"rtmp://127.0.0.1:{rtmp}/live/{stream}");
            await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(rtmpPlayer.StdErr) >= 75, Deadline, "the RTMP player decoding");

            // A raw HTTP-FLV reader: after the first frames, reads come in bursts about 350 ms apart.
            using var client = new HttpClient { Timeout = Deadline };
            using var response = await client.GetAsync($"http://127.0.0.1:{http}/live/{stream}.flv", HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[1 << 20];
            var clock = Stopwatch.StartNew();
            var last = TimeSpan.Zero;
            var gaps = new List<double>();
            long bytes = 0;
            using var window = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (clock.Elapsed < TimeSpan.FromSeconds(4))
            {
                var read = await body.ReadAsync(buffer, window.Token);
                Assert.True(read > 0, "the FLV stream ended");
                bytes += read;
                var now = clock.Elapsed;
                gaps.Add((now - last).TotalMilliseconds);
                last = now;
            }
            var bursts = gaps.Skip(1).Count(g => g > 200);
            output.WriteLine($"{gaps.Count} reads, {bytes} bytes in 4 s; gaps over 200 ms: {bursts}; longest {gaps.Skip(1).Max():F0} ms");
            Assert.True(bursts >= 4, $"media should arrive in bursts about 350 ms apart (gaps over 200 ms: {bursts})");
            Assert.True(gaps.Skip(1).Max() < 2000, "no burst is held much longer than the window");
            Assert.False(rtmpPlayer.HasExited);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static string Port() => TestServers.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
}
