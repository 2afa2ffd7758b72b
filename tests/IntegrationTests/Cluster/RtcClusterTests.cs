using System.Diagnostics;
using System.Text.Json;
using OrleansLive.IntegrationTests.Rtc;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Media.Rtp;
using PuppeteerSharp;

namespace OrleansLive.IntegrationTests.Cluster;

/// <summary>WebRTC in a cluster: a WHIP publish on one gateway plays over WHEP on the other, so the
/// gateway-to-gateway pull carries H.264, VP8, AV1 and Opus, and a player's keyframe requests on the other
/// gateway reach the publisher as PLI.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RtcClusterTests(LocalCluster cluster)
{
    private static readonly TimeSpan Deadline = LocalCluster.Deadline;

    [Theory]
    [InlineData("H264")]
    [InlineData("VP8")]
    [InlineData("AV1")]
    public async Task A_whip_publish_on_one_gateway_plays_over_whep_on_the_other(string codec)
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "rtccl" + Ids.Random(5);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", a.Whip("live", stream, publish: true), codec);
        await Wait.UntilAsync(async () => await cluster.FindStreamAsync("live", stream) is { } s
            && s.GetProperty("video").ValueKind == JsonValueKind.Object && s.GetProperty("video").GetProperty("codec").GetString() == codec,
            Deadline, $"the WHIP publisher's {codec} on A");

        // The player offers every codec Chromium has. B has no hub for the stream yet: the answer
        // takes the stream's codec from the stream grain.
        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", b.Whip("live", stream, publish: false), null);
        var answer = await player.EvaluateExpressionAsync<string>("window.answer");
        Assert.Contains($" {codec}/90000", answer);
        Assert.Single(answer.Split('\n'), l => l.StartsWith("a=rtpmap:", StringComparison.Ordinal) && l.Contains("/90000", StringComparison.Ordinal));
        await Wait.UntilAsync(async () =>
        {
            var stats = await WebRtcBrowserTests.StatsAsync(player);
            return WebRtcBrowserTests.Inbound(stats, "video", "frames") > 30 && WebRtcBrowserTests.Inbound(stats, "audio", "packets") > 50;
        }, Deadline, "the WHEP player on B decoding picture and sound pulled from A");
        Assert.Single(await cluster.FindClientsAsync(stream), c => c.GetProperty("type").GetString() == "rtc-play");
    }

    [Fact]
    public async Task Keyframe_requests_of_a_whep_player_on_the_other_gateway_reach_the_whip_publisher()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "rtcpli" + Ids.Random(5);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", a.Whip("live", stream, publish: true), "H264");
        await Wait.UntilAsync(async () => (await cluster.FindClientsAsync(stream)).Any(c => c.GetProperty("type").GetString() == "rtc-publish"), Deadline, "the WHIP publisher on A");

        // A player on B that sends PLI at will: the gateway's own pieces as a WebRTC peer.
        await using var player = new RawRtcPeer(b.RtcPort);
        await player.SignalOrFailAsync(cluster.Http, b.Whip("live", stream, publish: false), publish: false);
        await player.ConnectAsync(Deadline);
        await Wait.UntilAsync(() => player.RtpPackets > 100, Deadline, "RTP on B pulled from A");

        // Chromium counts the PLIs its sender gets. Without B's requests A asks only when a picture is
        // lost or after 6 s without a keyframe, so four requests answered within 3 s each are B's.
        var clock = Stopwatch.StartNew();
        for (var round = 1; round <= 4; round++)
        {
            var before = await PlisAsync(publisher);
            await Wait.UntilAsync(async () =>
            {
                player.SendRtcp(RtcpWriter.Pli(0x0BADCAFE, 0));
                return await PlisAsync(publisher) > before;
            }, TimeSpan.FromSeconds(3), $"PLI {round} from the player on B at the publisher on A");
        }
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 12);

        // Both gateways count them: the player's requests on B, the PLIs A sent its publisher.
        var clients = await Wait.ForAsync(async () =>
        {
            var found = await cluster.FindClientsAsync(stream);
            return found.Any(c => Requests(c, "rtc-play") >= 4) && found.Any(c => Requests(c, "rtc-publish") >= 4) ? found : null;
        }, Deadline, "the keyframe requests in the API's rtp counters");
        Assert.Contains(clients, c => Requests(c, "rtc-publish") >= 4);
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
    }

    private static async Task<long> PlisAsync(IPage publisher) =>
        (await WebRtcBrowserTests.StatsAsync(publisher)).GetProperty("outbound").TryGetProperty("video", out var video) ? video.GetProperty("plis").GetInt64() : 0;

    private static long Requests(JsonElement client, string type) =>
        client.GetProperty("type").GetString() == type && client.TryGetProperty("rtp", out var rtp) ? rtp.GetProperty("keyframe_requests").GetInt64() : 0;
}
