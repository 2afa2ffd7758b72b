using OrleansLive.IntegrationTests.Rtc;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Cluster;

/// <summary>WebRTC in a cluster: a WHIP publish on one gateway plays over WHEP on the other, so the
/// gateway-to-gateway pull carries H.264 and Opus.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RtcClusterTests(LocalCluster cluster)
{
    private static readonly TimeSpan Deadline = LocalCluster.Deadline;

    [Fact]
    public async Task A_whip_publish_on_one_gateway_plays_over_whep_on_the_other()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "rtccl" + Ids.Random(5);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", a.Whip("live", stream, publish: true), "H264");
        await Wait.UntilAsync(async () => (await cluster.FindClientsAsync(stream)).Any(c => c.GetProperty("type").GetString() == "rtc-publish"), Deadline, "the WHIP publisher on A");

        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", b.Whip("live", stream, publish: false), "H264");
        await Wait.UntilAsync(async () =>
        {
            var stats = await WebRtcBrowserTests.StatsAsync(player);
            return WebRtcBrowserTests.Inbound(stats, "video", "frames") > 30 && WebRtcBrowserTests.Inbound(stats, "audio", "packets") > 50;
        }, Deadline, "the WHEP player on B decoding picture and sound pulled from A");
        Assert.Single(await cluster.FindClientsAsync(stream), c => c.GetProperty("type").GetString() == "rtc-play");
    }
}
