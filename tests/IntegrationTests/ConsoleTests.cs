using System.Globalization;
using System.Text.Json;
using OrleansLive.IntegrationTests.Rtc;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using PuppeteerSharp;

namespace OrleansLive.IntegrationTests;

/// <summary>
/// The console (/console/) and the players (/players/) in headless Chromium against a server with an
/// ffmpeg publish. The media fixture, because its default vhost writes HLS for the HLS player.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class ConsoleTests(MediaFixture server) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly List<string> _errors = [];
    private HeadlessChromium? _browser;

    private HeadlessChromium Browser => _browser ?? throw new InvalidOperationException("no browser");

    public async Task InitializeAsync() => _browser = await HeadlessChromium.LaunchAsync();

    public async Task DisposeAsync() => await Browser.DisposeAsync();

    private string Page(string path) => $"http://127.0.0.1:{server.ApiPort}/{path}";

    /// <summary>Opens a page that records its console errors and uncaught exceptions.</summary>
    private async Task<IPage> OpenAsync(string path)
    {
        var page = await Browser.OpenAsync("about:blank");
        await page.SetViewportAsync(new ViewPortOptions { Width = 1400, Height = 900 });
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                lock (_errors)
                {
                    _errors.Add(e.Message.Text);
                }
            }
        };
        page.PageError += (_, e) =>
        {
            lock (_errors)
            {
                _errors.Add(e.Message);
            }
        };
        await page.GoToAsync(Page(path));
        return page;
    }

    private void AssertNoConsoleErrors()
    {
        lock (_errors)
        {
            Assert.True(_errors.Count == 0, "console errors: " + string.Join(" | ", _errors));
        }
    }

    private async Task<ExternalProcess> PublishAsync(string stream)
    {
        var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s
            && s.GetProperty("video").ValueKind == JsonValueKind.Object && s.GetProperty("audio").ValueKind == JsonValueKind.Object,
            Deadline, "the ffmpeg publish with its codecs");
        return publisher;
    }

    private static async Task<string> TextAsync(IPage page, string selector) =>
        await page.EvaluateFunctionAsync<string>("s => document.querySelector(s)?.textContent ?? ''", selector);

    [Fact]
    public async Task The_console_lists_a_published_stream_with_its_codecs_bitrate_and_players()
    {
        var stream = "con" + Ids.Random(6);
        await using var publisher = await PublishAsync(stream);
        await using var player = Ffmpeg.Play(server.FlvUrl("live", stream));
        var page = await OpenAsync("console/#streams");
        var card = $"article.stream-card[data-stream='live/{stream}']";

        await Wait.UntilAsync(async () =>
        {
            var codecs = await TextAsync(page, card + " .codecs");
            var kbps = await page.EvaluateFunctionAsync<string>("s => document.querySelector(s)?.dataset.kbps ?? '0'", card + " .kbps-in");
            return codecs.Contains("H264", StringComparison.Ordinal) && codecs.Contains("AAC", StringComparison.Ordinal)
                && int.Parse(kbps, CultureInfo.InvariantCulture) > 0;
        }, Deadline, "the stream card with H264, AAC and a bitrate");
        await Wait.UntilAsync(async () => (await TextAsync(page, card)).Contains("flv 1", StringComparison.Ordinal), Deadline, "the FLV player counted");
        Assert.Contains("rtmp", await TextAsync(page, card + " dd"), StringComparison.Ordinal);
        // A few polls so the chart has a line, then the picture for a person to look at.
        await Wait.UntilAsync(async () => await page.EvaluateFunctionAsync<int>("s => Number(document.querySelector(s)?.dataset.points ?? 0)", card + " canvas") >= 4,
            Deadline, "four points on the bitrate chart");
        await page.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "console.png"), new ScreenshotOptions { FullPage = true });

        // The cluster view: this silo and the gateway with its endpoints.
        await page.EvaluateExpressionAsync("location.hash = '#overview'");
        await Wait.UntilAsync(async () =>
        {
            var text = await TextAsync(page, "#view");
            return text.Contains("Active", StringComparison.Ordinal) && text.Contains($"rtmp {server.RtmpPort}", StringComparison.Ordinal);
        }, Deadline, "the silo and the gateway's endpoints");
        await page.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "console-cluster.png"), new ScreenshotOptions { FullPage = true });

        // The vhosts view: the default vhost's HLS settings from the fixture and the startup load.
        await page.EvaluateExpressionAsync("location.hash = '#vhosts'");
        await Wait.UntilAsync(async () =>
        {
            var text = await TextAsync(page, "#view");
            return text.Contains("Last reload", StringComparison.Ordinal) && text.Contains("fragment 2 s", StringComparison.Ordinal);
        }, Deadline, "the vhost settings and the last reload");
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_stream_card_shows_the_streams_snapshot_from_its_gateway()
    {
        var stream = "csnap" + Ids.Random(6);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream, MediaFixture.SnapshotVhost));
        var page = await OpenAsync("console/#streams");
        var image = $"article.stream-card[data-stream='live/{stream}'] img.snapshot";

        // Loaded from the gateway's HTTP port: the picture's own width is the vhost's 320.
        await Wait.UntilAsync(async () => await page.EvaluateFunctionAsync<int>("s => document.querySelector(s)?.naturalWidth ?? 0", image) == 320,
            Deadline, "the snapshot loaded in the stream card");
        await page.ScreenshotAsync(Path.Combine(AppContext.BaseDirectory, "console-snapshot.png"), new ScreenshotOptions { FullPage = true });
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_kick_from_the_console_ends_an_ffmpeg_player()
    {
        var stream = "kick" + Ids.Random(6);
        await using var publisher = await PublishAsync(stream);
        await using var player = Ffmpeg.Play(server.FlvUrl("live", stream));
        var clientId = await Wait.ForAsync(async () =>
            (await server.FindClientsAsync(stream)).FirstOrDefault(c => c.GetProperty("type").GetString() == "flv-play") is { ValueKind: JsonValueKind.Object } c
                ? c.GetProperty("id").GetString() : null, Deadline, "the FLV player's client");
        var page = await OpenAsync("console/#clients");
        var button = $"tr[data-client='{clientId}'] button.kick";
        await Wait.UntilAsync(async () => await page.QuerySelectorAsync(button) is not null, Deadline, "the player's row with a kick button");

        await page.ClickAsync(button);
        await Wait.UntilAsync(async () => player.HasExited || !(await server.FindClientsAsync(stream)).Any(c => c.GetProperty("id").GetString() == clientId),
            Deadline, "the kicked player gone");
        Assert.True(await player.WaitForExitAsync(Deadline), "ffmpeg exits once kicked");
        await Wait.UntilAsync(async () => await page.QuerySelectorAsync(button) is null, Deadline, "the row gone from the console");
        AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_players_page_plays_http_flv()
    {
        var stream = "pflv" + Ids.Random(6);
        await using var publisher = await PublishAsync(stream);
        await PlaysAsync(stream, "flv");
    }

    [Fact]
    public async Task The_players_page_plays_hls()
    {
        var stream = "phls" + Ids.Random(6);
        await using var publisher = await PublishAsync(stream);
        using var http = new HttpClient();
        await Wait.UntilAsync(async () => (await http.GetAsync(server.HttpUrl($"live/{stream}.m3u8"))).IsSuccessStatusCode, Deadline, "the HLS playlist");
        await PlaysAsync(stream, "hls");
    }

    [Fact]
    public async Task The_players_page_plays_dash_in_dash_js()
    {
        var stream = "pdash" + Ids.Random(6);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream, MediaFixture.DashVhost));
        using var http = new HttpClient();
        // dash.js starts two fragments behind the live edge: wait until the MPD lists that much.
        await Wait.UntilAsync(async () =>
        {
            var response = await http.GetAsync(server.HttpUrl($"live/{stream}.mpd", MediaFixture.DashVhost));
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Split("<S ").Length - 1 >= 6;
        }, Deadline, "an MPD listing three segments per track");
        await PlaysAsync(stream, "dash", vhost: MediaFixture.DashVhost);
    }

    [Fact]
    public async Task The_players_page_plays_webrtc_over_whep()
    {
        var stream = "prtc" + Ids.Random(6);
        await using var publisher = await PublishAsync(stream);
        await PlaysAsync(stream, "rtc", async () =>
            Assert.Contains(await server.FindClientsAsync(stream), c => c.GetProperty("type").GetString() == "rtc-play"));
    }

    /// <summary>Clicks the player's Play button, waits for its video's time to advance, runs the
    /// check while it plays, and stops it.</summary>
    private async Task PlaysAsync(string stream, string kind, Func<Task>? whilePlaying = null, string? vhost = null)
    {
        var query = vhost is null ? "" : $"?vhost={vhost}";
        var page = await OpenAsync($"players/?app=live&stream={stream}" + (vhost is null ? "" : $"&vhost={vhost}"));
        // The URL table is filled once the gateways are read.
        await Wait.UntilAsync(async () => (await TextAsync(page, "#urls")).Length > 0
            && await page.EvaluateExpressionAsync<bool>("!!document.querySelector('#urls input')"), Deadline, "the stream's URLs");
        var urls = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('#urls input')].map(i => i.value)");
        Assert.Contains($"rtmp://127.0.0.1:{server.RtmpPort}/live/{stream}{query}", urls);
        Assert.Contains(server.FlvUrl("live", stream) + query, urls);

        await page.ClickAsync($"#play-{kind}");
        async Task<double> TimeAsync() => await page.EvaluateFunctionAsync<double>("id => document.getElementById(id).currentTime", $"video-{kind}");
        await Wait.UntilAsync(async () => await TimeAsync() > 0.5, Deadline, $"the {kind} player's video time");
        var first = await TimeAsync();
        await Wait.UntilAsync(async () => await TimeAsync() > first + 1, Deadline, $"the {kind} player's video time advancing");
        Assert.True(await page.EvaluateFunctionAsync<int>("id => document.getElementById(id).videoWidth", $"video-{kind}") == 640);
        if (whilePlaying is not null)
        {
            await whilePlaying();
        }
        await page.ClickAsync($"#stop-{kind}");
        AssertNoConsoleErrors();
    }
}
