using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Cluster;

/// <summary>One vhost configuration for the whole cluster: an edit of one silo's file reaches every gateway.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterConfigTests(LocalCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = LocalCluster.Deadline;

    [Fact]
    public async Task An_edit_of_silo_bs_file_reaches_both_gateways_and_changes_what_gateway_a_allows()
    {
        await cluster.EnsureAllRunningAsync();
        var (a, siloB) = (cluster.Gateways[0], cluster.Silos[1]);
        var vhost = "cfg" + Ids.Random(5) + ".test";
        var stream = "cfg" + Ids.Random(5);
        var file = cluster.ConfigFile(siloB);
        var original = await File.ReadAllTextAsync(file);
        await using var publisher = Ffmpeg.Publish(a.Rtmp("live", stream) + "?vhost=" + vhost);
        await ClusterWait.PublishedAsync(cluster, stream, publisher);
        var flv = a.Flv("live", stream) + "?vhost=" + vhost;
        Assert.Equal(HttpStatusCode.OK, await PlayStatusAsync(flv));
        try
        {
            var before = await VersionsAsync();
            var edited = JsonNode.Parse(original)!.AsObject();
            edited["Vhosts"]![vhost] = new JsonObject { ["Security"] = new JsonObject { ["Enabled"] = true, ["Rules"] = new JsonArray("deny play all", "allow publish all") } };
            var clock = Stopwatch.StartNew();
            await File.WriteAllTextAsync(file, edited.ToJsonString());

            // Silo B reloads its file by itself and proposes it; the cluster pushes the new version to both gateways.
            await Wait.UntilAsync(async () => (await VersionsAsync()).All(v => v > before.Max()), Deadline, "both gateways on the new configuration");
            output.WriteLine($"both gateways ran the new configuration {clock.ElapsedMilliseconds} ms after the edit (versions {string.Join(", ", before)} -> {string.Join(", ", await VersionsAsync())})");
            Assert.Equal(HttpStatusCode.Forbidden, await PlayStatusAsync(flv));
            // The API shows which version each gateway runs (from its heartbeats).
            var current = (await VersionsAsync()).Max();
            await Wait.UntilAsync(async () =>
            {
                var summaries = await cluster.GetJsonAsync("api/v1/summaries");
                var reported = summaries.GetProperty("data").GetProperty("gateways").EnumerateArray()
                    .Where(g => g.TryGetProperty("vhost_config_version", out _)).Select(g => g.GetProperty("vhost_config_version").GetInt64()).ToList();
                return reported.Count == cluster.Gateways.Length && reported.All(v => v == current);
            }, Deadline, "the API to list both gateways on the new version");
        }
        finally
        {
            var edited = await VersionsAsync();
            await File.WriteAllTextAsync(file, original);
            await Wait.UntilAsync(async () => (await VersionsAsync()).All(v => v > edited.Max()), Deadline, "both gateways back on the original configuration");
        }
        Assert.Equal(HttpStatusCode.OK, await PlayStatusAsync(flv));
    }

    /// <summary>The vhost configuration version each gateway runs, from its /metrics.</summary>
    private async Task<long[]> VersionsAsync() =>
        await Task.WhenAll(cluster.Gateways.Select(async g =>
        {
            var text = PrometheusText.Parse(await cluster.Http.GetStringAsync($"http://127.0.0.1:{g.Port2}/metrics"));
            return (long)text.Samples.Single(s => s.Name == "live_gateway_vhost_config_version").Value;
        }));

    private async Task<HttpStatusCode> PlayStatusAsync(string url)
    {
        using var response = await cluster.Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }
}
