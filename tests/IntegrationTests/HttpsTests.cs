using System.Text.Json;
using OrleansLive.IntegrationTests.Rtc;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>
/// TLS as users meet it: ffprobe and curl against the generated certificate (verified with it as the
/// CA), Chromium publishing with WHIP over HTTPS and playing with WHEP over HTTPS, an on_publish hook
/// to an https backend, and ffmpeg publishing over RTMPS.
/// </summary>
[Collection(HttpsCollection.Name)]
public sealed class HttpsTests(HttpsServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>ffprobe with certificate verification against the server's generated certificate.</summary>
    private async Task<JsonElement[]> ProbeAsync(string url)
    {
        await using var probe = ExternalProcess.Start("ffprobe", "-v", "error", "-rw_timeout", "20000000",
            "-tls_verify", "1", "-ca_file", server.CertFile, "-show_streams", "-of", "json", url);
        Assert.True(await probe.WaitForExitAsync(Deadline), $"ffprobe {url} did not finish: {probe.StdErr}");
        Assert.True(probe.ExitCode == 0, $"ffprobe {url} failed ({probe.ExitCode}): {probe.StdErr}");
        using var doc = JsonDocument.Parse(probe.StdOut);
        return [.. doc.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.Clone())];
    }

    private static void AssertH264(JsonElement[] streams) =>
        Assert.Contains(streams, s => s.GetProperty("codec_name").GetString() == "h264");

    private Task WaitForVideoAsync(string stream) =>
        Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object,
            Deadline, $"the stream {stream} with video");

    [Fact]
    public async Task Https_flv_and_hls_play_with_the_generated_certificate_and_on_publish_reaches_the_https_hook()
    {
        var stream = "tls" + Ids.Random(6);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await WaitForVideoAsync(stream);
        // The hook backend is https with its own self-signed certificate, trusted by Hooks:TrustedCertFile.
        Assert.Single(server.Backend.Of("on_publish", stream));

        AssertH264(await ProbeAsync(server.HttpsUrl($"live/{stream}.flv")));
        AssertH264(await ProbeAsync(server.HttpsUrl($"live/{stream}.ts")));
        await Wait.UntilAsync(() => File.Exists(Path.Combine(server.HlsRoot, "live", stream + ".m3u8")), Deadline, "the HLS playlist");
        AssertH264(await ProbeAsync(server.HttpsUrl($"live/{stream}.m3u8")));
    }

    [Fact]
    public async Task Curl_reaches_the_api_over_https_with_the_generated_certificate_as_ca()
    {
        await using var curl = ExternalProcess.Start("curl", "-sS", "--fail", "--max-time", "20", "--cacert", server.CertFile,
            $"https://127.0.0.1:{server.ApiHttpsPort}/api/v1/versions");
        Assert.True(await curl.WaitForExitAsync(Deadline), "curl did not finish");
        Assert.True(curl.ExitCode == 0, $"curl failed ({curl.ExitCode}): {curl.StdErr}");
        using var doc = JsonDocument.Parse(curl.StdOut);
        Assert.Equal(0, doc.RootElement.GetProperty("code").GetInt32());
        Assert.True(doc.RootElement.GetProperty("data").GetProperty("major").GetInt32() > 0);

        // The same certificate on the streaming port; without a CA curl refuses the self-signed one.
        await using var untrusted = ExternalProcess.Start("curl", "-sS", "--max-time", "20", "-o", "/dev/null",
            $"https://127.0.0.1:{server.HttpsPort}/live/none.flv");
        Assert.True(await untrusted.WaitForExitAsync(Deadline), "curl did not finish");
        Assert.Equal(60, untrusted.ExitCode);
    }

    [Fact]
    public async Task Chromium_publishes_with_whip_over_https_and_plays_with_whep_over_https()
    {
        var stream = "tlsrtc" + Ids.Random(6);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync("--ignore-certificate-errors");
        var publisher = await browser.OpenAsync(page.Url);
        // WHIP on the API's HTTPS port, WHEP on the streaming HTTPS port.
        await publisher.EvaluateFunctionAsync("publish", $"https://127.0.0.1:{server.ApiHttpsPort}/rtc/v1/whip/?app=live&stream={stream}", "H264", "");
        await Wait.UntilAsync(async () => (await publisher.EvaluateExpressionAsync<string>("window.pc.connectionState")) == "connected", Deadline, "the publisher connected");
        await WaitForVideoAsync(stream);

        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", server.HttpsUrl($"rtc/v1/whep/?app=live&stream={stream}"), "H264");
        await Wait.UntilAsync(async () => WebRtcBrowserTests.Inbound(await WebRtcBrowserTests.StatsAsync(player), "video", "frames") > 30,
            Deadline, "the WHEP player decoding video");
        Assert.Equal(200, await player.EvaluateFunctionAsync<int>("stop"));
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
    }

    [Fact]
    public async Task Ffmpeg_publishes_over_rtmps_and_plays_over_rtmp_and_rtmps()
    {
        var stream = "rtmps" + Ids.Random(6);
        await using var publisher = Ffmpeg.Publish(server.RtmpsUrl("live", stream));
        await WaitForVideoAsync(stream);
        var clients = await server.FindClientsAsync(stream);
        Assert.Contains(clients, c => c.GetProperty("publish").GetBoolean());

        AssertH264(await Ffmpeg.ProbeStreamsAsync(server.RtmpUrl("live", stream), Deadline));
        await using var player = Ffmpeg.Play(server.RtmpsUrl("live", stream), seconds: 3);
        Assert.True(await player.WaitForExitAsync(Deadline), "the RTMPS player did not finish");
        Assert.True(Ffmpeg.FramesDecoded(player.StdErr) > 30, player.StdErr);
    }
}
