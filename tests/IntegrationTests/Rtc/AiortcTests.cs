using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// WebRTC against aiortc, a second WebRTC stack (Python, libsrtp, PyAV) independent of Chromium's:
/// aiortc publishes a file over WHIP (H.264 or VP8) and plays over WHEP, crossed with Chromium, RTMP and HTTP-FLV.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class AiortcTests(ServerFixture server, AiortcClip clip, ITestOutputHelper output) : IClassFixture<AiortcClip>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_aiortc_whip_publish_probes_as_h264_640x360_over_rtmp_and_http_flv()
    {
        var stream = "aiopub" + Ids.Random(5);
        await using var publisher = AiortcPeer.Publish(server.WhipUrl("live", stream, publish: true), clip.Path, 12);
        await WaitForVideoAsync(stream, publisher);

        foreach (var url in new[] { server.RtmpUrl("live", stream), server.FlvUrl("live", stream) })
        {
            var streams = await ProbeAsync(url);
            output.WriteLine($"ffprobe {url}: {string.Join("; ", streams.Select(s => $"{s.GetProperty("codec_type")} {(s.TryGetProperty("codec_name", out var n) ? n : "?")} tag {s.GetProperty("codec_tag")}"))}");
            var video = streams.Single(s => s.GetProperty("codec_type").GetString() == "video");
            Assert.Equal("h264", video.GetProperty("codec_name").GetString());
            Assert.Equal(640, video.GetProperty("width").GetInt32());
            Assert.Equal(360, video.GetProperty("height").GetInt32());
            // The publisher's Opus reaches RTMP and FLV players as AAC, through the stream's bridge.
            var audio = streams.Single(s => s.GetProperty("codec_type").GetString() == "audio");
            Assert.Equal("aac", audio.GetProperty("codec_name").GetString());
        }

        var clients = await Wait.ForAsync(async () =>
            await server.FindClientsAsync(stream) is [var c] && c.GetProperty("recv_bytes").GetInt64() > 0 ? [c] : (List<JsonElement>?)null,
            Deadline, "the publisher's received bytes in /api/v1/clients");
        var publishing = clients[0];
        Assert.Equal("rtc-publish", publishing.GetProperty("type").GetString());
        Assert.True(publishing.GetProperty("publish").GetBoolean());

        var last = await AiortcPeer.FinishAsync(publisher, Deadline);
        Assert.Equal(200, last.GetProperty("deleted").GetInt32());
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is null, Deadline, "the stream gone after DELETE");
    }

    [Fact]
    public async Task An_aiortc_whip_publish_plays_over_whep_in_aiortc_with_picture_and_sound()
    {
        var stream = "aioaio" + Ids.Random(5);
        // The publish outlasts the player's window (4 s from its first picture) with room for a slow start.
        await using var publisher = AiortcPeer.Publish(server.WhipUrl("live", stream, publish: true), clip.Path, 20);
        await WaitForVideoAsync(stream, publisher);

        await using var player = AiortcPeer.Play(server.WhipUrl("live", stream, publish: false), 4);
        var result = await AiortcPeer.FinishAsync(player, Deadline);
        output.WriteLine($"aiortc player: {result}");
        AssertPicture(result, 640, 360);
        Assert.True(result.GetProperty("audio_frames").GetInt32() > 50, $"audio frames: {result}");

        Assert.Equal(200, (await AiortcPeer.FinishAsync(publisher, Deadline)).GetProperty("deleted").GetInt32());
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Count == 0, Deadline, "both sessions gone");
    }

    [Fact]
    public async Task A_video_only_aiortc_whip_publish_plays_over_whep_and_http_flv_with_picture_only()
    {
        var stream = "aiovid" + Ids.Random(5);
        await using var publisher = AiortcPeer.Publish(server.WhipUrl("live", stream, publish: true), clip.VideoOnlyPath, 20);
        await WaitForVideoAsync(stream, publisher);

        var streams = await ProbeAsync(server.FlvUrl("live", stream));
        Assert.Equal("h264", Assert.Single(streams).GetProperty("codec_name").GetString());

        // The player offers audio as well; the stream has none, so that track stays silent.
        await using var player = AiortcPeer.Play(server.WhipUrl("live", stream, publish: false), 4);
        var result = await AiortcPeer.FinishAsync(player, Deadline);
        output.WriteLine($"aiortc player: {result}");
        AssertPicture(result, 640, 360);
        Assert.Equal(0, result.GetProperty("audio_frames").GetInt32());

        Assert.Equal(200, (await AiortcPeer.FinishAsync(publisher, Deadline)).GetProperty("deleted").GetInt32());
    }

    [Fact]
    public async Task An_aiortc_whip_publish_plays_over_whep_in_chromium()
    {
        var stream = "aiochr" + Ids.Random(5);
        await using var publisher = AiortcPeer.Publish(server.WhipUrl("live", stream, publish: true), clip.Path, 25);
        await WaitForVideoAsync(stream, publisher);

        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), "H264");
        await Wait.UntilAsync(async () =>
        {
            var stats = await WebRtcBrowserTests.StatsAsync(player);
            return stats.GetProperty("width").GetInt32() == 640 && stats.GetProperty("height").GetInt32() == 360
                && WebRtcBrowserTests.Inbound(stats, "video", "frames") > 50 && WebRtcBrowserTests.Inbound(stats, "audio", "packets") > 50;
        }, Deadline, "Chromium decoding aiortc's picture and sound");
        output.WriteLine($"Chromium player: {await WebRtcBrowserTests.StatsAsync(player)}");
        Assert.Equal(200, await player.EvaluateFunctionAsync<int>("stop"));

        Assert.Equal(200, (await AiortcPeer.FinishAsync(publisher, Deadline)).GetProperty("deleted").GetInt32());
    }

    [Fact]
    public async Task An_aiortc_vp8_whip_publish_plays_over_whep_in_vp8_in_aiortc_and_chromium()
    {
        var stream = "aiovp8" + Ids.Random(5);
        await using var publisher = AiortcPeer.Publish(server.WhipUrl("live", stream, publish: true), clip.Path, 30, "vp8");
        await WaitForVideoAsync(stream, publisher);
        Assert.Equal("VP8", (await server.FindStreamAsync("live", stream))!.Value.GetProperty("video").GetProperty("codec").GetString());

        await using (var player = AiortcPeer.Play(server.WhipUrl("live", stream, publish: false), 8, "vp8"))
        {
            var result = await AiortcPeer.FinishAsync(player, Deadline);
            output.WriteLine($"aiortc VP8 player: {result}");
            AssertPicture(result, 640, 360);
            Assert.True(result.GetProperty("audio_frames").GetInt32() > 50, $"audio frames: {result}");
        }

        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var chromium = await browser.OpenAsync(page.Url);
        await chromium.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), "VP8");
        Assert.Contains(" VP8/90000", await chromium.EvaluateExpressionAsync<string>("window.answer"));
        await Wait.UntilAsync(async () =>
        {
            var stats = await WebRtcBrowserTests.StatsAsync(chromium);
            return stats.GetProperty("width").GetInt32() == 640 && stats.GetProperty("height").GetInt32() == 360
                && WebRtcBrowserTests.Inbound(stats, "video", "frames") > 50 && WebRtcBrowserTests.Inbound(stats, "audio", "packets") > 50;
        }, Deadline, "Chromium decoding aiortc's VP8 picture and sound");
        output.WriteLine($"Chromium VP8 player: {await WebRtcBrowserTests.StatsAsync(chromium)}");
        Assert.Equal(200, await chromium.EvaluateFunctionAsync<int>("stop"));

        Assert.Equal(200, (await AiortcPeer.FinishAsync(publisher, Deadline)).GetProperty("deleted").GetInt32());
    }

    [Fact]
    public async Task A_chromium_whip_publish_plays_over_whep_in_aiortc()
    {
        var stream = "chraio" + Ids.Random(5);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", server.WhipUrl("live", stream, publish: true), "H264", "secret-token");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object,
            Deadline, "Chromium's stream with its video codec");

        await using var player = AiortcPeer.Play(server.WhipUrl("live", stream, publish: false), 8);
        var result = await AiortcPeer.FinishAsync(player, Deadline);
        output.WriteLine($"aiortc player: {result}");
        // Chromium's encoder may scale its fake camera down under load, so only the width's bound is fixed.
        Assert.True(result.GetProperty("video_frames").GetInt32() > 50, $"video frames: {result}");
        Assert.InRange(result.GetProperty("width").GetInt32(), 160, 640);
        Assert.True(result.GetProperty("audio_frames").GetInt32() > 50, $"audio frames: {result}");
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
    }

    [Fact]
    public async Task An_rtmp_publish_plays_over_whep_in_aiortc_with_picture_and_its_tone()
    {
        var stream = "rtmpaio" + Ids.Random(5);
        await using var ffmpeg = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin",
            "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-c:v", "libx264", "-preset", "veryfast", "-bf", "0", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
            "-f", "flv", server.RtmpUrl("live", stream));
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object,
            Deadline, $"the RTMP stream with its video codec ({ffmpeg.StdErr})");

        await using var player = AiortcPeer.Play(server.WhipUrl("live", stream, publish: false), 8);
        var result = await AiortcPeer.FinishAsync(player, Deadline);
        output.WriteLine($"aiortc player: {result}");
        AssertPicture(result, 640, 360);
        // The publisher's AAC is heard as Opus, at the publisher's pitch.
        Assert.True(result.GetProperty("audio_frames").GetInt32() > 100, $"audio frames: {result}");
        Assert.InRange(result.GetProperty("audio_hz").GetDouble(), 430, 450);
        Assert.True(result.GetProperty("audio_rms").GetDouble() > 0.05, $"sound level: {result}");
    }

    private async Task WaitForVideoAsync(string stream, ExternalProcess publisher)
    {
        await Wait.UntilAsync(() => AiortcPeer.Reached(publisher, "connected") || publisher.HasExited, Deadline, "aiortc's WHIP session connected");
        Assert.False(publisher.HasExited, $"aiortc publisher ended early ({(publisher.HasExited ? publisher.ExitCode : 0)}): {publisher.StdOut}\n{publisher.StdErr}");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object,
            Deadline, "aiortc's stream with its video codec");
    }

    private static void AssertPicture(JsonElement result, int width, int height)
    {
        Assert.True(result.GetProperty("video_frames").GetInt32() > 50, $"video frames: {result}");
        Assert.Equal(width, result.GetProperty("width").GetInt32());
        Assert.Equal(height, result.GetProperty("height").GetInt32());
        Assert.InRange(result.GetProperty("first_frame_ms").GetInt32(), 0, 20_000);
    }

    /// <summary>ffprobe's streams, with a small probe: ffprobe 5.1 does not know the Enhanced RTMP
    /// audio and would otherwise read its whole 5 MB probe size hoping to identify it.</summary>
    private static async Task<JsonElement[]> ProbeAsync(string url)
    {
        await using var probe = ExternalProcess.Start("ffprobe", "-v", "error", "-probesize", "200000", "-analyzeduration", "1000000",
            "-rw_timeout", "20000000", "-show_streams", "-of", "json", url);
        Assert.True(await probe.WaitForExitAsync(Deadline), $"ffprobe {url} did not finish: {probe.StdErr}");
        Assert.True(probe.ExitCode == 0, $"ffprobe {url} failed ({probe.ExitCode}): {probe.StdErr}");
        using var doc = JsonDocument.Parse(probe.StdOut);
        return [.. doc.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.Clone())];
    }
}
