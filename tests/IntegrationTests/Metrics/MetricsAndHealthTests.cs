using System.Net;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Metrics;

/// <summary>/metrics in Prometheus text with SRS's exporter names, moving with an RTMP publish and
/// player; /healthz and /readyz of a running silo.</summary>
[Collection(ServerCollection.Name)]
public sealed class MetricsAndHealthTests(ServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await server.Api.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_parse_as_prometheus_text_and_move_with_traffic()
    {
        var before = await ScrapeAsync();
        foreach (var (name, type) in new[]
        {
            ("srs_build_info", "gauge"), ("srs_node_uname_info", "gauge"), ("srs_cpu_percent", "gauge"), ("srs_memory", "gauge"),
            ("srs_clients", "gauge"), ("srs_streams", "gauge"), ("srs_clients_total", "counter"), ("srs_clients_errs_total", "counter"),
            ("srs_receive_bytes_total", "counter"), ("srs_send_bytes_total", "counter"),
        })
        {
            Assert.True(before.Types.TryGetValue(name, out var actual) && actual == type, $"{name} should be a {type}");
        }
        var build = Assert.Single(before.Samples, s => s.Name == "srs_build_info");
        Assert.All(["server", "service", "pid", "build_date", "major", "version", "code"], label => Assert.True(build.Labels.ContainsKey(label), label));
        Assert.True(before.Sum("srs_memory") > 0);
        // Orleans' and the runtime's own meters are exported too.
        Assert.Contains(before.Types.Keys, n => n.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(before.Types.Keys, n => n.StartsWith("dotnet_", StringComparison.Ordinal));

        var stream = "metrics" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await using var player = Ffmpeg.Play(server.RtmpUrl("live", stream));
        var recv0 = before.Sum("srs_receive_bytes_total") ?? 0;
        var total0 = before.Sum("srs_clients_total") ?? 0;
        var during = await Wait.ForAsync(async () =>
        {
            var now = await ScrapeAsync();
            return now.Sum("srs_receive_bytes_total") > recv0 && now.Sum("srs_send_bytes_total") > 0 && now.Sum("srs_clients") >= 2
                && now.Sum("srs_streams") >= 1 && now.Sum("srs_clients_total") >= total0 + 2
                && now.Sum("live_gateway_clients", ("protocol", "rtmp")) >= 2 ? now : null;
        }, Deadline, "srs_* metrics moving with the publish and the player");
        Assert.True(during.Sum("live_gateway_receive_bytes_total", ("protocol", "rtmp")) > 0);
        Assert.True(during.Sum("live_gateway_clients_accepted_total", ("protocol", "rtmp")) >= 2);
        Assert.Equal("gauge", during.Types["live_gateway_streams"]);

        // The counters keep rising while the stream runs.
        var recv1 = during.Sum("srs_receive_bytes_total")!.Value;
        await Wait.UntilAsync(async () => (await ScrapeAsync()).Sum("srs_receive_bytes_total") > recv1, Deadline, "srs_receive_bytes_total rising");
    }

    [Fact]
    public async Task Health_probes_answer_on_the_api_port()
    {
        using var healthz = await server.Api.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        using var readyz = await server.Api.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
        Assert.Contains("\"ready\":true", await readyz.Content.ReadAsStringAsync());
    }
}
