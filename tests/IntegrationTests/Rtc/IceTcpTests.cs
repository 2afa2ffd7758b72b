using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>A server whose answers offer only ICE-TCP candidates (SRS `rtc_server.protocol tcp`), as
/// for networks that block UDP.</summary>
public sealed class IceTcpFixture : ServerFixture
{
    protected override void AddSettings(Dictionary<string, string?> settings) => settings["Gateway:Rtc:Protocol"] = "tcp";
}

/// <summary>Chromium publishes and plays over ICE-TCP (RFC 4571 framing on the gateway's TCP port).</summary>
public sealed class IceTcpTests(IceTcpFixture server) : IClassFixture<IceTcpFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Chromium_publishes_and_plays_over_ice_tcp()
    {
        var stream = "tcp" + Ids.Random(6);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", server.WhipUrl("live", stream, publish: true), "H264");
        var answer = await publisher.EvaluateExpressionAsync<string>("window.answer");
        Assert.Contains(" tcp ", answer);
        Assert.DoesNotContain(" udp ", answer);
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object, Deadline, "the stream's video codec over ICE-TCP");

        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), "H264");
        await Wait.UntilAsync(async () =>
        {
            var stats = await WebRtcBrowserTests.StatsAsync(player);
            return WebRtcBrowserTests.Inbound(stats, "video", "frames") > 30 && WebRtcBrowserTests.Inbound(stats, "audio", "packets") > 50;
        }, Deadline, "the WHEP player decoding over ICE-TCP");
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("ICE connected over tcp", StringComparison.Ordinal));
    }
}
