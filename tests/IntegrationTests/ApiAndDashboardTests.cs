using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests;

[Collection(ServerCollection.Name)]
public sealed class ApiAndDashboardTests(ServerFixture server)
{
    [Fact]
    public async Task Api_answers_in_the_srs_envelope()
    {
        var versions = await server.GetJsonAsync("api/v1/versions");
        Assert.Equal(0, versions.GetProperty("code").GetInt32());
        Assert.True(versions.TryGetProperty("server", out _));
        Assert.Equal(6, versions.GetProperty("data").GetProperty("major").GetInt32());

        var summaries = await server.GetJsonAsync("api/v1/summaries");
        Assert.True(summaries.GetProperty("data").GetProperty("ok").GetBoolean());

        var vhosts = await server.GetJsonAsync("api/v1/vhosts");
        Assert.Equal(0, vhosts.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task V1_index_lists_srs_urls_and_tests()
    {
        var index = await server.GetJsonAsync("api/v1/");
        var urls = index.GetProperty("urls");
        foreach (var name in new[] { "versions", "summaries", "rusages", "self_proc_stats", "system_proc_stats", "meminfos", "authors", "features", "vhosts", "streams", "clients", "raw", "clusters" })
        {
            Assert.True(urls.TryGetProperty(name, out _), name);
        }
        foreach (var name in new[] { "requests", "errors", "redirects", "[vhost]" })
        {
            Assert.True(index.GetProperty("tests").TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public async Task Proc_stats_answer_with_srs_fields_from_proc()
    {
        var self = (await server.GetJsonAsync("api/v1/self_proc_stats")).GetProperty("data");
        Assert.True(self.GetProperty("ok").GetBoolean());
        Assert.Equal(Environment.ProcessId, self.GetProperty("pid").GetInt32());
        Assert.True(self.GetProperty("num_threads").GetInt64() > 1);
        Assert.True(self.GetProperty("rss").GetInt64() > 0);
        Assert.True(self.GetProperty("starttime").GetInt64() > 0);
        Assert.False(string.IsNullOrEmpty(self.GetProperty("comm").GetString()));
        Assert.True(self.TryGetProperty("cguest_time", out _));

        var system = (await server.GetJsonAsync("api/v1/system_proc_stats")).GetProperty("data");
        Assert.True(system.GetProperty("ok").GetBoolean());
        Assert.True(system.GetProperty("user").GetInt64() > 0);
        Assert.True(system.GetProperty("idle").GetInt64() > 0);
        foreach (var name in new[] { "sample_time", "percent", "nice", "sys", "iowait", "irq", "softirq", "steal", "guest" })
        {
            Assert.True(system.TryGetProperty(name, out _), name);
        }
    }

    [Fact]
    public async Task Summaries_count_loopback_traffic_as_intranet()
    {
        // This test talks to the server over 127.0.0.1, so the loopback interface has carried bytes.
        var system = (await server.GetJsonAsync("api/v1/summaries")).GetProperty("data").GetProperty("system");
        Assert.True(system.GetProperty("net_recvi_bytes").GetInt64() > 0);
        Assert.True(system.GetProperty("net_sendi_bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Clusters_answers_with_the_gateway_that_holds_the_publisher()
    {
        var stream = "origin" + OrleansLive.Interfaces.Ids.Random(5);
        var missing = (await server.GetJsonAsync($"api/v1/clusters?vhost=&ip=10.0.0.1&app=live&stream={stream}")).GetProperty("data");
        Assert.Equal("10.0.0.1", missing.GetProperty("query").GetProperty("ip").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, missing.GetProperty("origin").ValueKind);

        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        var origin = await Wait.ForAsync(async () =>
        {
            var data = (await server.GetJsonAsync($"api/v1/clusters?vhost=__defaultVhost__&app=live&stream={stream}")).GetProperty("data");
            return data.GetProperty("origin").ValueKind == System.Text.Json.JsonValueKind.Object ? (System.Text.Json.JsonElement?)data.GetProperty("origin") : null;
        }, TimeSpan.FromSeconds(60), "origin of the published stream");
        var found = origin ?? throw new InvalidOperationException("no origin");
        Assert.Equal(server.RtmpPort, found.GetProperty("port").GetInt32());
        Assert.Equal("__defaultVhost__", found.GetProperty("vhost").GetString());
        Assert.False(string.IsNullOrEmpty(found.GetProperty("ip").GetString()));
        var api = found.GetProperty("api").GetString();
        Assert.EndsWith($":{server.ApiPort}", api, StringComparison.Ordinal);
        Assert.Equal(api, Assert.Single(found.GetProperty("routers").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Dashboard_is_served_by_the_all_in_one_process()
    {
        using var response = await server.Api.GetAsync("dashboard");
        Assert.True(response.IsSuccessStatusCode, $"dashboard answered {(int)response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
    }
}
