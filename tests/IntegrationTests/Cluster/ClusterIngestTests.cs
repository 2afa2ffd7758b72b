using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansLive.IntegrationTests.Processes;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Cluster;

/// <summary>An ingest in a cluster runs on exactly one gateway, plays from the other, and moves to the
/// other gateway when the one running it dies.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterIngestTests(LocalCluster cluster)
{
    private static readonly TimeSpan Deadline = LocalCluster.Deadline;

    private async Task<JsonElement[]> IngestsAsync(string stream) =>
        [.. (await cluster.GetJsonAsync("api/v1/ingests")).GetProperty("ingests").EnumerateArray().Where(i => i.GetProperty("stream").GetString() == stream)];

    [Fact]
    public async Task One_gateway_runs_the_ingest_and_the_other_takes_it_over_when_that_gateway_dies()
    {
        await cluster.EnsureAllRunningAsync();
        var stream = "cin" + Ids.Random(5);
        var directory = Directory.CreateTempSubdirectory("cluster-ingest-").FullName;
        var source = Path.Combine(directory, "source.flv");
        await IngestServer.MakeSourceAsync(source);
        var file = cluster.ConfigFile(cluster.Silos[1]);
        var original = await File.ReadAllTextAsync(file);
        try
        {
            var edited = JsonNode.Parse(original)!.AsObject();
            edited["Vhosts"]!["__defaultVhost__"]!["Ingest"] = new JsonObject
            {
                [stream] = new JsonObject { ["Enabled"] = true, ["Input"] = new JsonObject { ["Type"] = "file", ["Url"] = source } },
            };
            await File.WriteAllTextAsync(file, edited.ToJsonString());

            var first = await Wait.ForAsync(async () => (await IngestsAsync(stream)) is [var one] && one.GetProperty("state").GetString() == ProcessStates.Running
                ? one.GetProperty("gateway").GetString() : null, Deadline, "the ingest running on one gateway");
            await Wait.UntilAsync(async () => await cluster.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object,
                Deadline, "the ingested stream with video");
            // Both gateways want it for several report rounds; still only one runs it.
            for (var i = 0; i < 10; i++)
            {
                Assert.Single(await IngestsAsync(stream));
                await Task.Delay(500);
            }

            var holder = cluster.Gateways.Single(g => g.Name == first);
            var other = cluster.Gateways.Single(g => g.Name != first);
            var probed = await Ffmpeg.ProbeStreamsAsync(other.Rtmp("live", stream), Deadline);
            Assert.Contains(probed, s => s.GetProperty("codec_name").GetString() == "h264");

            holder.Process!.Kill();
            await Wait.UntilAsync(async () => (await IngestsAsync(stream)) is [var moved]
                && moved.GetProperty("gateway").GetString() == other.Name && moved.GetProperty("state").GetString() == ProcessStates.Running,
                Deadline, "the ingest taken over by the other gateway");
            probed = await Ffmpeg.ProbeStreamsAsync(other.Rtmp("live", stream), Deadline);
            Assert.Contains(probed, s => s.GetProperty("codec_name").GetString() == "h264");
        }
        finally
        {
            await File.WriteAllTextAsync(file, original);
            await Wait.UntilAsync(async () => (await IngestsAsync(stream)).Length == 0, Deadline, "the ingest gone after the configuration is restored");
            await cluster.EnsureAllRunningAsync();
            Directory.Delete(directory, recursive: true);
        }
    }
}
