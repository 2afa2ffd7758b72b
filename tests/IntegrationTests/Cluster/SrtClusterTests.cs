using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Srt;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Cluster;

/// <summary>SRT in a cluster: what an SRT encoder brings to one gateway reaches every protocol on the other.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SrtClusterTests(LocalCluster cluster)
{
    private static readonly TimeSpan Deadline = LocalCluster.Deadline;

    [Fact]
    public async Task An_srt_publish_on_one_gateway_plays_over_rtmp_flv_and_srt_on_the_other()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "srtcl" + Ids.Random(5);
        await using var publisher = SrtGatewayTests.PublishTs(a.Srt("live", stream, publish: true));
        await ClusterWait.PublishedAsync(cluster, stream, publisher);
        Assert.Contains(await cluster.FindClientsAsync(stream), c => c.GetProperty("type").GetString() == "srt-publish");

        // Gateway B has no publisher: each probe goes through its pull from A.
        foreach (var url in new[] { b.Rtmp("live", stream), b.Flv("live", stream), b.Srt("live", stream, publish: false) })
        {
            SrtGatewayTests.AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(url, Deadline));
        }

        await using var player = Ffmpeg.Play(b.Srt("live", stream, publish: false), seconds: 4);
        Assert.True(await player.WaitForExitAsync(Deadline), "the SRT player on B should finish its 4 s");
        Assert.Equal(0, player.ExitCode);
        Assert.True(Ffmpeg.FramesDecoded(player.StdErr) >= 75, player.StdErr);
        Assert.DoesNotContain("non-existing PPS", player.StdErr, StringComparison.Ordinal);
        Assert.False(publisher.HasExited, publisher.StdErr);
    }
}
