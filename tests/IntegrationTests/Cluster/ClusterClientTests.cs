using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Cluster;

/// <summary>Clients as the per-gateway grains hold them: live counters in the API, and the sessions of a
/// gateway that died closed (with on_close) once its liveness expires.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterClientTests(LocalCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = LocalCluster.Deadline;

    [Fact]
    public async Task A_players_send_bytes_in_the_client_list_grow_between_two_reads_2_5_s_apart()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, b) = (cluster.Gateways[0], cluster.Gateways[1]);
        var stream = "cnt" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(a.Rtmp("live", stream));
        await ClusterWait.PublishedAsync(cluster, stream, publisher);
        await using var player = Ffmpeg.Play(b.Flv("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 25, Deadline, "player decoding");

        async Task<JsonElement?> Player()
        {
            var page = await cluster.GetJsonAsync("api/v1/clients?count=100");
            return page.GetProperty("clients").EnumerateArray().Cast<JsonElement?>()
                .FirstOrDefault(c => c!.Value.GetProperty("name").GetString() == stream && c.Value.GetProperty("type").GetString() == "flv-play");
        }
        var first = await Wait.ForAsync(async () => await Player() is { } c && c.GetProperty("send_bytes").GetInt64() > 0 ? c : (JsonElement?)null, Deadline, "the player listed with bytes sent");
        var clock = Stopwatch.StartNew();
        await Wait.UntilAsync(() => clock.Elapsed >= TimeSpan.FromSeconds(2.5), Deadline, "2.5 s between the reads");
        var second = (await Player())!.Value;

        var (before, after) = (first!.Value.GetProperty("send_bytes").GetInt64(), second.GetProperty("send_bytes").GetInt64());
        output.WriteLine($"send_bytes {before} -> {after} in {clock.Elapsed.TotalSeconds:F1} s, kbps.send_30s {second.GetProperty("kbps").GetProperty("send_30s").GetInt32()}");
        Assert.True(after > before, $"send_bytes should grow: {before} -> {after}");
        Assert.True(second.GetProperty("kbps").GetProperty("send_30s").GetInt32() > 0);
        Assert.Equal(b.Name, second.GetProperty("gateway").GetString());
    }

    [Fact]
    public async Task Killing_a_gateway_sends_on_close_once_for_each_of_its_sessions_when_its_liveness_expires()
    {
        await cluster.EnsureAllRunningAsync();
        await using var backend = new HookBackend();
        await backend.StartAsync();
        var a = cluster.Gateways[0];
        var vhost = "dead" + Ids.Random(5) + ".test";
        var stream = "dead" + Ids.Random(5);
        var file = cluster.ConfigFile(cluster.Silos[0]);
        var original = await File.ReadAllTextAsync(file);
        try
        {
            await ConfigureAsync(file, original, vhost, backend.Url("on_close"));

            await using var publisher = Ffmpeg.Publish(a.Rtmp("live", stream) + "?vhost=" + vhost);
            await ClusterWait.PublishedAsync(cluster, stream, publisher);
            await using var player = Ffmpeg.Play(a.Rtmp("live", stream) + "?vhost=" + vhost);
            await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 25, Deadline, "player decoding");
            var ids = await Wait.ForAsync(async () =>
            {
                var clients = await cluster.FindClientsAsync(stream);
                return clients.Count == 2 ? clients.Select(c => c.GetProperty("id").GetString()!).ToList() : null;
            }, Deadline, "publisher and player listed");

            var clock = Stopwatch.StartNew();
            a.Process!.Kill();
            await Wait.UntilAsync(() => ids.All(id => backend.Where(c => c.Action == "on_close" && c.ClientId == id).Count > 0),
                Deadline, "on_close for both sessions of the dead gateway");
            output.WriteLine($"on_close for both sessions {clock.Elapsed.TotalSeconds:F1} s after kill -9 of {a.Name} (liveness timeout {LocalCluster.LeaseTimeout.TotalSeconds} s)");

            // Closed, unlisted, and each on_close came once (the records' ends are final).
            await Wait.UntilAsync(async () => (await cluster.FindClientsAsync(stream)).Count == 0, Deadline, "the dead gateway's clients unlisted");
            foreach (var id in ids)
            {
                var session = (await cluster.GetJsonAsync($"api/v1/sessions/{id}")).GetProperty("session");
                Assert.Equal(JsonValueKind.Number, session.GetProperty("end_ms").ValueKind);
                Assert.Single(backend.Where(c => c.Action == "on_close" && c.ClientId == id));
            }
            Assert.True(clock.Elapsed < LocalCluster.LeaseTimeout * 4);

            // The gateway comes back as a new process: nothing of its earlier run closes twice.
            cluster.StartGateway(a);
            await cluster.WaitGatewayAsync(a);
            await using var probe = Ffmpeg.Publish(a.Rtmp("live", stream + "x") + "?vhost=" + vhost);
            await ClusterWait.PublishedAsync(cluster, stream + "x", probe);
            Assert.All(ids, id => Assert.Single(backend.Where(c => c.Action == "on_close" && c.ClientId == id)));
        }
        finally
        {
            await File.WriteAllTextAsync(file, original);
        }
    }

    /// <summary>Adds a vhost with an on_close hook to the silo's file and waits for both gateways to run it.</summary>
    private async Task ConfigureAsync(string file, string original, string vhost, string onClose)
    {
        var before = await VersionsAsync();
        var edited = JsonNode.Parse(original)!.AsObject();
        edited["Vhosts"]![vhost] = new JsonObject { ["HttpHooks"] = new JsonObject { ["Enabled"] = true, ["OnClose"] = new JsonArray(onClose) } };
        await File.WriteAllTextAsync(file, edited.ToJsonString());
        await Wait.UntilAsync(async () => (await VersionsAsync()).All(v => v > before.Max()), Deadline, "both gateways on the configuration with the hook");
    }

    private async Task<long[]> VersionsAsync() =>
        await Task.WhenAll(cluster.Gateways.Where(g => g.Running).Select(async g =>
        {
            var text = PrometheusText.Parse(await cluster.Http.GetStringAsync($"http://127.0.0.1:{g.Port2}/metrics"));
            return (long)text.Samples.Single(s => s.Name == "live_gateway_vhost_config_version").Value;
        }));
}
