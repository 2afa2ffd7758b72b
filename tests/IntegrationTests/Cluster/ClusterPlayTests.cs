using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Cluster;

/// <summary>Two silos and two gateways over Redis act as one server.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPlayTests(LocalCluster cluster)
{
    private static readonly TimeSpan Deadline = LocalCluster.Deadline;

    [Fact]
    public async Task A_stream_published_on_one_gateway_plays_from_the_other_through_one_pull()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "any" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(a.Rtmp("live", stream));
        await ClusterWait.PublishedAsync(cluster, stream, publisher);

        foreach (var url in new[] { b.Rtmp("live", stream), b.Flv("live", stream) })
        {
            var streams = await Ffmpeg.ProbeStreamsAsync(url, Deadline);
            var video = streams.Single(s => s.GetProperty("codec_type").GetString() == "video");
            Assert.Equal("h264", video.GetProperty("codec_name").GetString());
            Assert.Equal(640, video.GetProperty("width").GetInt32());
            Assert.Contains(streams, s => s.GetProperty("codec_name").GetString() == "aac");
        }

        await using var rtmpPlayer = Ffmpeg.Play(b.Rtmp("live", stream));
        await using var flvPlayer = Ffmpeg.Play(b.Flv("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(rtmpPlayer.StdErr) >= 25 && Ffmpeg.FramesDecoded(flvPlayer.StdErr) >= 25, Deadline, "both players on gateway B decoding");

        // Publisher, the one pull from B into A (an RTMP player of A), and B's two players.
        var seen = "";
        try
        {
            await Wait.UntilAsync(async () =>
            {
                var clients = await cluster.FindClientsAsync(stream);
                seen = string.Join(", ", clients.Select(c => $"{c.GetProperty("id").GetString()} {c.GetProperty("type").GetString()}@{(c.TryGetProperty("gateway", out var g) ? g.ToString() : "?")}"));
                return clients.Count == 4
                    && clients.Count(c => c.GetProperty("type").GetString() == "rtmp-play") == 2
                    && clients.Count(c => c.GetProperty("type").GetString() == "flv-play") == 1;
            }, Deadline, "publisher, one edge pull and two players");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; last seen: [{seen}]", ex);
        }

        rtmpPlayer.Kill();
        flvPlayer.Kill();
        await Wait.UntilAsync(async () => (await cluster.FindClientsAsync(stream)).Count == 1, Deadline, "the pull to stop once B has no players");
    }
}

/// <summary>Waits shared by the cluster tests.</summary>
internal static class ClusterWait
{
    /// <summary>Until the API shows the stream published with codec facts; returns the publisher's id.</summary>
    public static Task<string> PublishedAsync(LocalCluster cluster, string stream, ExternalProcess publisher) =>
        Wait.ForAsync(async () =>
        {
            if (publisher.HasExited)
            {
                throw new InvalidOperationException("publisher exited: " + publisher.StdErr);
            }
            var s = await cluster.FindStreamAsync("live", stream);
            return s is { } found && found.GetProperty("publish").GetProperty("active").GetBoolean()
                && found.GetProperty("video").ValueKind == System.Text.Json.JsonValueKind.Object
                ? found.GetProperty("publish").GetProperty("cid").GetString()
                : null;
        }, LocalCluster.Deadline, $"stream {stream} published");
}
