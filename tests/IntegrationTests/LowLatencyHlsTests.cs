using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests;

/// <summary>
/// ffmpeg publishes over RTMP (a keyframe a second) to a vhost with low-latency HLS: blocking playlist
/// reloads and preload-hinted parts served from memory, ffprobe reading the playlist, and hls.js in
/// low-latency mode in headless Chromium playing it with its latency measured from EXT-X-PROGRAM-DATE-TIME.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed partial class LowLatencyHlsTests(MediaFixture server, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private const string Vhost = MediaFixture.LowLatencyVhost;

    private string PlaylistUrl(string stream, string directives = "") =>
        server.HttpUrl($"live/{stream}.m3u8", Vhost) + (directives.Length > 0 ? "&" + directives : "");

    private async Task<ExternalProcess> PublishAsync(string stream)
    {
        var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream, Vhost), gop: 25);
        await Wait.UntilAsync(async () =>
        {
            using var response = await server.Api.GetAsync(PlaylistUrl(stream));
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).Contains("#EXT-X-PART:", StringComparison.Ordinal);
        }, Deadline, "a low-latency playlist with parts");
        return publisher;
    }

    [Fact]
    public async Task A_blocking_reload_of_a_future_part_returns_once_it_exists_and_the_hinted_part_once_written()
    {
        var stream = "ll" + Ids.Random(6);
        await using var publisher = await PublishAsync(stream);
        var text = await server.Api.GetStringAsync(PlaylistUrl(stream));
        Assert.Contains("#EXT-X-VERSION:9\n", text);
        Assert.Contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.0,PART-HOLD-BACK=0.600\n", text);
        Assert.Contains("#EXT-X-PART-INF:PART-TARGET=0.200\n", text);
        Assert.Matches(@"#EXT-X-PROGRAM-DATE-TIME:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n", text);
        var hint = PreloadHint().Match(text);
        Assert.True(hint.Success, text);
        var msn = long.Parse(hint.Groups["msn"].Value, CultureInfo.InvariantCulture);

        // The first part of the next segment does not exist yet: the request is held until it does.
        var next = $"{stream}-ll-{msn + 1}.0.m4s";
        Assert.DoesNotContain(next, text);
        var watch = Stopwatch.StartNew();
        using var held = await server.Api.GetAsync(PlaylistUrl(stream, $"_HLS_msn={msn + 1}&_HLS_part=0")).WaitAsync(Deadline);
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        var blocked = await held.Content.ReadAsStringAsync();
        Assert.Contains($"URI=\"{next}?vhost={Vhost}\",INDEPENDENT=YES", blocked);
        output.WriteLine($"blocking reload for {msn + 1}.0 answered after {watch.ElapsedMilliseconds} ms");

        // The preload-hinted part is held until written, then served whole.
        var hinted = PreloadHint().Match(blocked);
        using var part = await server.Api.GetAsync(server.HttpUrl($"live/{hinted.Groups["uri"].Value}", Vhost)).WaitAsync(Deadline);
        Assert.Equal(HttpStatusCode.OK, part.StatusCode);
        Assert.Equal("video/iso.segment", part.Content.Headers.ContentType?.MediaType);
        var bytes = await part.Content.ReadAsByteArrayAsync();
        Assert.Equal("moof"u8.ToArray(), bytes[4..8]);

        // Delta updates, and absurd directives: 400 at once.
        Assert.Contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=", await server.Api.GetStringAsync(PlaylistUrl(stream, "_HLS_skip=YES")));
        using var absurd = await server.Api.GetAsync(PlaylistUrl(stream, $"_HLS_msn={msn + 1000}"));
        Assert.Equal(HttpStatusCode.BadRequest, absurd.StatusCode);
        using var garbage = await server.Api.GetAsync(PlaylistUrl(stream, "_HLS_msn=-1"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);

        // ffprobe reads the low-latency playlist (its full segments).
        var streams = await Ffmpeg.ProbeStreamsAsync(PlaylistUrl(stream), MediaTools.ProbeTimeout);
        var h264 = Assert.Single(streams, s => s.GetProperty("codec_name").GetString() == "h264");
        Assert.Equal(640, h264.GetProperty("width").GetInt32());
        Assert.Single(streams, s => s.GetProperty("codec_name").GetString() == "aac");
    }

    [Fact]
    public async Task Hlsjs_in_low_latency_mode_plays_the_stream_a_few_seconds_behind_its_program_date_time()
    {
        var stream = "llj" + Ids.Random(6);
        await using var publisher = await PublishAsync(stream);
        await using var browser = await HeadlessChromium.LaunchAsync();
        // A page of the console's origin, for its copy of hls.js; the playlist comes from the HTTP port.
        var page = await browser.OpenAsync($"http://127.0.0.1:{server.ApiPort}/players/");
        await page.SetContentAsync($$"""
            <!doctype html><html><body><video id="v" muted playsinline></video>
            <script src="/vendor/hls.min.js"></script>
            <script>
            window.errors = [];
            window.latencies = [];
            const video = document.getElementById('v');
            const hls = window.hls = new Hls({ lowLatencyMode: true });
            hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) window.errors.push(data.type + ': ' + data.details); });
            hls.loadSource('{{PlaylistUrl(stream)}}');
            hls.attachMedia(video);
            video.play();
            setInterval(() => {
              if (hls.playingDate && !video.paused) window.latencies.push(Date.now() - hls.playingDate.getTime());
            }, 200);
            </script></body></html>
            """);
        async Task<double> TimeAsync() => await page.EvaluateExpressionAsync<double>("document.getElementById('v').currentTime");
        await Wait.UntilAsync(async () => await TimeAsync() > 0.5, Deadline, "hls.js playing");
        var first = await TimeAsync();
        await Wait.UntilAsync(async () => await TimeAsync() > first + 4, Deadline, "hls.js playback advancing 4 s");
        Assert.Empty(await page.EvaluateExpressionAsync<string[]>("window.errors"));
        // hls.js used what low latency offers: blocking reloads and parts.
        var fetched = await page.EvaluateExpressionAsync<string[]>("performance.getEntriesByType('resource').map(e => e.name)");
        var reloads = fetched.Count(u => u.Contains("_HLS_msn=", StringComparison.Ordinal));
        var parts = fetched.Count(u => PartUri().IsMatch(u));
        Assert.True(reloads > 0 && parts > 0, string.Join("\n", fetched));

        // The latency over the last two seconds of playback, as the median of samples every 200 ms.
        var latencies = await page.EvaluateExpressionAsync<double[]>("window.latencies.slice(-10)");
        Assert.NotEmpty(latencies);
        var median = latencies.Order().ElementAt(latencies.Length / 2) / 1000.0;
        var live = await page.EvaluateExpressionAsync<double>("hls.latency");
        output.WriteLine($"hls.js low-latency: wall clock - playingDate = {median:F2} s (median of {latencies.Length}), hls.latency {live:F2} s; "
            + $"{reloads} blocking reloads, {parts} parts, {fetched.Count(u => u.Contains("_HLS_skip=", StringComparison.Ordinal))} delta updates fetched");
        Assert.InRange(median, 0, 6);
    }

    [GeneratedRegex(@"-ll-\d+\.\d+\.m4s")]
    private static partial Regex PartUri();

    [GeneratedRegex("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"(?<uri>[^\"?]+-ll-(?<msn>\\d+)\\.(?<part>\\d+)\\.m4s)")]
    private static partial Regex PreloadHint();
}
