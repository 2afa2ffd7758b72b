using System.Globalization;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Hostile;

/// <summary>
/// The server in its own process (so its memory and descriptors can be read) with short timeouts, no connection limit (so a
/// flood reaches the code that must bound it) and a watched stream: a real ffmpeg publish played by ffmpeg over RTMP and
/// HTTP-FLV, which every hostile case must leave playing.
/// </summary>
public sealed class HostileServer : ServerProcess
{
    // Long enough for ten thousand connections to be opened and measured before the first ones time out.
    public const int HandshakeTimeoutSeconds = 8;
    public const int KeepAliveTimeoutSeconds = 8;
    public const int HeaderTimeoutSeconds = 3;
    public const int SendTimeoutSeconds = 4;

    private ExternalProcess? _publisher;
    private ExternalProcess? _rtmpPlayer;
    private ExternalProcess? _flvPlayer;

    public string WatchedStream { get; } = "watched" + Ids.Random(5);

    protected override IEnumerable<string> Settings() =>
    [
        "--Gateway:MaxConnections=0",
        $"--Gateway:HandshakeTimeoutSeconds={HandshakeTimeoutSeconds}",
        $"--Gateway:HttpRequestHeadersTimeoutSeconds={HeaderTimeoutSeconds}",
        $"--Gateway:HttpKeepAliveTimeoutSeconds={KeepAliveTimeoutSeconds}",
        $"--Gateway:SendTimeoutSeconds={SendTimeoutSeconds}",
        "--Gateway:PlayerSendBufferBytes=65536",
    ];

    /// <summary>Starts the watched publish and its two players once; later calls check they still run.</summary>
    public async Task<Watched> WatchAsync()
    {
        if (_publisher is null)
        {
            _publisher = MediaTools.Publish(Rtmp("live", WatchedStream), 0);
            await Wait.UntilAsync(async () =>
            {
                Assert.False(_publisher.HasExited, _publisher.StdErr);
                return await FindStreamAsync("live", WatchedStream) is { } s && s.GetProperty("video").ValueKind == System.Text.Json.JsonValueKind.Object;
            }, Deadline, "the watched stream published");
            _rtmpPlayer = Ffmpeg.Play(Rtmp("live", WatchedStream));
            _flvPlayer = Ffmpeg.Play(Flv("live", WatchedStream));
        }
        var watched = new Watched(_publisher, _rtmpPlayer!, _flvPlayer!);
        await watched.AssertPlayingAsync("before the case");
        return watched;
    }

    public async Task<PrometheusText> ScrapeAsync() =>
        PrometheusText.Parse(await Http.GetStringAsync($"http://127.0.0.1:{ApiPort.ToString(CultureInfo.InvariantCulture)}/metrics"));

    public Task<ServerMemory> MeasureAsync() => ServerMemory.MeasureAsync(Process.Id, ScrapeAsync);

    /// <summary>The gateway's count of connections dropped for this protocol and reason.</summary>
    public async Task<double> DropsAsync(string protocol, string reason) =>
        (await ScrapeAsync()).Sum("live_gateway_connection_drops_total", ("protocol", protocol), ("reason", reason)) ?? 0;

    public override async Task DisposeAsync()
    {
        foreach (var process in new[] { _flvPlayer, _rtmpPlayer, _publisher })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }
        await base.DisposeAsync();
    }

    /// <summary>The watched publish and players.</summary>
    public sealed class Watched(ExternalProcess publisher, ExternalProcess rtmpPlayer, ExternalProcess flvPlayer)
    {
        /// <summary>Both players decode 50 more frames (2 s of the stream) from now, and nothing exited.</summary>
        public async Task AssertPlayingAsync(string when)
        {
            var (rtmp, flv) = (Ffmpeg.FramesDecoded(rtmpPlayer.StdErr), Ffmpeg.FramesDecoded(flvPlayer.StdErr));
            await Wait.UntilAsync(() =>
            {
                Assert.False(publisher.HasExited, publisher.StdErr);
                Assert.False(rtmpPlayer.HasExited, rtmpPlayer.StdErr);
                Assert.False(flvPlayer.HasExited, flvPlayer.StdErr);
                return Ffmpeg.FramesDecoded(rtmpPlayer.StdErr) >= rtmp + 50 && Ffmpeg.FramesDecoded(flvPlayer.StdErr) >= flv + 50;
            }, Deadline, $"the watched RTMP and HTTP-FLV players decoding {when}");
        }
    }
}
