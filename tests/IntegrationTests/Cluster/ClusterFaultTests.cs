using System.Diagnostics;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Cluster;

/// <summary>Lost silos, gateways and Redis: media keeps flowing and state comes back from Redis.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFaultTests(LocalCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = LocalCluster.Deadline;

    [Fact]
    public async Task Killing_the_silo_that_hosts_the_stream_grain_keeps_media_flowing_and_the_stream_comes_back()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "silo" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(a.Rtmp("live", stream));
        await ClusterWait.PublishedAsync(cluster, stream, publisher);
        await using var player = Ffmpeg.Play(b.Flv("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 25, Deadline, "player decoding");

        var hostSilo = (await cluster.FindStreamAsync("live", stream))!.Value.GetProperty("silo").GetString()!;
        var victim = cluster.Silos.Single(s => hostSilo.Contains($":{s.Port1}:", StringComparison.Ordinal));
        var clock = Stopwatch.StartNew();
        victim.Process!.Kill();

        var before = Ffmpeg.FramesDecoded(player.StdErr);
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= before + 50, Deadline, "frames still flowing after the silo died");
        Assert.False(publisher.HasExited);

        await Wait.UntilAsync(async () =>
        {
            var s = await cluster.FindStreamAsync("live", stream);
            return s is { } found && found.GetProperty("publish").GetProperty("active").GetBoolean()
                && found.GetProperty("silo").GetString() != hostSilo;
        }, Deadline, "stream grain active again on the surviving silo");
        output.WriteLine($"stream listed again by the surviving silo {clock.Elapsed.TotalSeconds:F1} s after kill -9 of {victim.Name}");
    }

    [Fact]
    public async Task Killing_a_gateway_releases_its_publishers_lease_so_the_encoder_can_move()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "gw" + Ids.Random(5);
        await using (var publisher = Ffmpeg.Publish(a.Rtmp("live", stream)))
        {
            await ClusterWait.PublishedAsync(cluster, stream, publisher);
            var clock = Stopwatch.StartNew();
            a.Process!.Kill();
            await Wait.UntilAsync(async () =>
                (await cluster.FindStreamAsync("live", stream)) is not { } s || !s.GetProperty("publish").GetProperty("active").GetBoolean(),
                Deadline, "lease of the dead gateway's publisher released");
            output.WriteLine($"lease released {clock.Elapsed.TotalSeconds:F1} s after kill -9 of {a.Name} (lease timeout {LocalCluster.LeaseTimeout.TotalSeconds} s)");
            Assert.True(clock.Elapsed < LocalCluster.LeaseTimeout * 3);
        }

        await using var moved = Ffmpeg.Publish(b.Rtmp("live", stream));
        await ClusterWait.PublishedAsync(cluster, stream, moved);
        var streams = await Ffmpeg.ProbeStreamsAsync(b.Rtmp("live", stream), Deadline);
        Assert.Contains(streams, s => s.GetProperty("codec_name").GetString() == "h264");
    }

    [Fact]
    public async Task Redis_down_for_ten_seconds_keeps_media_flowing_and_state_writes_resume()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "redis" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(a.Rtmp("live", stream));
        await ClusterWait.PublishedAsync(cluster, stream, publisher);
        await using var player = Ffmpeg.Play(b.Rtmp("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 25, Deadline, "player decoding");

        await cluster.StopRedisAsync();
        var outage = Stopwatch.StartNew();
        var before = Ffmpeg.FramesDecoded(player.StdErr);
        // Ten seconds of 25 fps video must reach the player while Redis is away.
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= before + 250, Deadline, "ten seconds of frames during the outage");
        Assert.True(outage.Elapsed >= TimeSpan.FromSeconds(9), "frames should arrive in real time");
        await cluster.StartRedisAsync();

        Assert.False(publisher.HasExited);
        Assert.False(player.HasExited);
        // Writes work again: a new publish takes a lease (a write) and the player's session record is stored.
        var other = "after" + Ids.Random(5);
        await using var second = Ffmpeg.Publish(a.Rtmp("live", other));
        await ClusterWait.PublishedAsync(cluster, other, second);
        var playerId = await Wait.ForAsync(async () =>
            (await cluster.FindClientsAsync(stream)).FirstOrDefault(c => c.GetProperty("type").GetString() == "rtmp-play" && c.GetProperty("send_bytes").GetInt64() > 0).GetProperty("id").GetString(),
            Deadline, "player listed with traffic");
        var session = await cluster.GetJsonAsync($"api/v1/sessions/{playerId}");
        Assert.Equal(0, session.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Session_records_survive_a_restart_of_every_silo()
    {
        await cluster.EnsureAllRunningAsync();
        var a = cluster.Gateways[0];
        var stream = "keep" + Ids.Random(5);
        string publisherId, playerId, streamId;
        await using (var publisher = Ffmpeg.Publish(a.Rtmp("live", stream)))
        {
            publisherId = await ClusterWait.PublishedAsync(cluster, stream, publisher);
            streamId = (await cluster.FindStreamAsync("live", stream))!.Value.GetProperty("id").GetString()!;
            await using var player = Ffmpeg.Play(a.Flv("live", stream));
            await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 25, Deadline, "player decoding");
            playerId = await Wait.ForAsync(async () =>
                (await cluster.FindClientsAsync(stream)).FirstOrDefault(c => c.GetProperty("type").GetString() == "flv-play").GetProperty("id").GetString(),
                Deadline, "player listed");
        }
        // Both connections closed: their records are final once end_ms is set.
        foreach (var id in new[] { publisherId, playerId })
        {
            await Wait.UntilAsync(async () => (await cluster.GetJsonAsync($"api/v1/sessions/{id}")).GetProperty("session").GetProperty("end_ms").ValueKind == System.Text.Json.JsonValueKind.Number, Deadline, $"session {id} closed");
        }
        var before = (await cluster.GetJsonAsync($"api/v1/sessions/{playerId}")).GetProperty("session");

        foreach (var silo in cluster.Silos)
        {
            silo.Process!.Kill();
            Assert.True(await silo.Process.WaitForExitAsync(Deadline));
        }
        foreach (var silo in cluster.Silos)
        {
            cluster.StartSilo(silo);
        }
        foreach (var silo in cluster.Silos)
        {
            await cluster.WaitSiloAsync(silo);
        }

        var after = await Wait.ForAsync(async () =>
        {
            var json = await cluster.GetJsonAsync($"api/v1/sessions/{playerId}");
            return json.GetProperty("code").GetInt32() == 0 ? (System.Text.Json.JsonElement?)json.GetProperty("session") : null;
        }, Deadline, "player session read back from Redis");
        Assert.Equal("flv-play", after!.Value.GetProperty("type").GetString());
        Assert.Equal(before.GetProperty("send_bytes").GetInt64(), after.Value.GetProperty("send_bytes").GetInt64());
        Assert.Equal(before.GetProperty("end_ms").GetInt64(), after.Value.GetProperty("end_ms").GetInt64());
        var publisherRecord = (await cluster.GetJsonAsync($"api/v1/sessions/{publisherId}")).GetProperty("session");
        Assert.True(publisherRecord.GetProperty("publish").GetBoolean());

        // The stream's record came back too: publishing the same name again keeps its SRS stream id.
        await using var again = Ffmpeg.Publish(a.Rtmp("live", stream));
        await ClusterWait.PublishedAsync(cluster, stream, again);
        Assert.Equal(streamId, (await cluster.FindStreamAsync("live", stream))!.Value.GetProperty("id").GetString());
    }
}
