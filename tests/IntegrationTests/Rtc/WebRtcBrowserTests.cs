using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using PuppeteerSharp;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// WebRTC with a real browser: headless Chromium publishes its fake camera and microphone with WHIP
/// and another Chromium page plays the stream with WHEP; the test reads what the player decoded.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class WebRtcBrowserTests(ServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    internal static async Task<JsonElement> StatsAsync(IPage page) => await page.EvaluateFunctionAsync<JsonElement>("stats");

    internal static long Inbound(JsonElement stats, string kind, string field) =>
        stats.GetProperty("inbound").TryGetProperty(kind, out var track) ? track.GetProperty(field).GetInt64() : 0;

    [Fact]
    public async Task A_whip_publish_from_chromium_plays_over_whep_in_chromium_with_picture_and_sound()
    {
        var stream = "rtc" + Ids.Random(6);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", server.WhipUrl("live", stream, publish: true), "H264", "secret-token");
        await Wait.UntilAsync(async () => (await publisher.EvaluateExpressionAsync<string>("window.pc.connectionState")) == "connected", Deadline, "the publisher connected");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object, Deadline, "the stream's video codec");

        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), "H264");
        await Wait.UntilAsync(async () =>
        {
            var stats = await StatsAsync(player);
            return stats.GetProperty("width").GetInt32() == 640 && Inbound(stats, "video", "frames") > 30 && Inbound(stats, "audio", "packets") > 50
                && stats.GetProperty("time").GetDouble() > 1;
        }, Deadline, "the WHEP player decoding picture and sound");
        var first = await StatsAsync(player);
        var firstFrameMs = first.GetProperty("firstFrameMs").GetDouble();
        Assert.InRange(firstFrameMs, 0, 5000);

        var clients = await server.FindClientsAsync(stream);
        Assert.Contains(clients, c => c.GetProperty("type").GetString() == "rtc-publish");
        Assert.Contains(clients, c => c.GetProperty("type").GetString() == "rtc-play");
        Assert.All(clients, c => Assert.True(c.GetProperty("recv_bytes").GetInt64() > 0));
        // The records carry RTP counters: packets in for the publisher, out for the player, losses and repairs.
        static long Rtp(JsonElement client, string field) => client.TryGetProperty("rtp", out var rtp) ? rtp.GetProperty(field).GetInt64() : -1;
        await Wait.UntilAsync(async () =>
        {
            var now = await server.FindClientsAsync(stream);
            return now.Any(c => c.GetProperty("type").GetString() == "rtc-publish" && Rtp(c, "packets_received") > 100)
                && now.Any(c => c.GetProperty("type").GetString() == "rtc-play" && Rtp(c, "packets_sent") > 100 && Rtp(c, "packets_lost") == 0);
        }, Deadline, "RTP counters in the client records");

        // DELETE on the Location ends the player's session; the publisher's ends the stream.
        Assert.Equal(200, await player.EvaluateFunctionAsync<int>("stop"));
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Count == 0, Deadline, "both sessions gone");
    }

    [Fact]
    public async Task An_rtmp_publish_with_b_frames_plays_over_whep_without_them()
    {
        var stream = "rtmpb" + Ids.Random(6);
        // libx264's defaults: B-frames (3, with pyramid); AAC audio, which the stream's bridge converts to Opus.
        await using var publisher = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", server.RtmpUrl("live", stream));
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object, Deadline, "the RTMP publish");
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), "H264");
        await Wait.UntilAsync(async () =>
        {
            var stats = await StatsAsync(player);
            return stats.GetProperty("width").GetInt32() == 640 && Inbound(stats, "video", "frames") > 20;
        }, Deadline, "the WHEP player decoding the RTMP stream");
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("has B-frames", StringComparison.Ordinal) && l.Message.Contains(stream, StringComparison.Ordinal));
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("Audio bridge of", StringComparison.Ordinal) && l.Message.Contains(stream, StringComparison.Ordinal));
    }
}
