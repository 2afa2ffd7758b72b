using System.Net;
using System.Text.Json.Nodes;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

public sealed class SrsApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly string[] EnvelopeFields = ["code", "server", "service", "pid"];

    private static readonly string[] StreamFields =
    [
        "id", "name", "vhost", "app", "tcUrl", "url", "live_ms", "clients", "frames", "send_bytes",
        "recv_bytes", "kbps", "publish", "video", "audio",
        // Beyond SRS, after its fields: where the stream lives in the cluster.
        "silo", "gateway",
    ];

    private static readonly string[] ClientFields =
    [
        "id", "vhost", "stream", "ip", "pageUrl", "swfUrl", "tcUrl", "url", "name", "type", "publish",
        "alive", "send_bytes", "recv_bytes", "kbps",
        // Beyond SRS, after its fields: the gateway that holds the connection.
        "gateway",
    ];

    private readonly IClusterClient _client = api.Client;

    private async Task<JsonObject> Get(string path)
    {
        using var response = await api.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static string[] Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key).ToArray();

    private async Task<(string Key, string StreamId)> Publish(FakeGateway gateway, string clientId)
    {
        var name = "api" + Ids.Random(6);
        var key = StreamKey.Of(StreamKey.DefaultVhost, "live", name);
        var verdict = await _client.GetGrain<IStreamGrain>(key)
            .AcquirePublish(new PublishClaim(clientId, gateway.Id, "10.1.1.1", "rtmp://127.0.0.1/live", ""));
        Assert.True(verdict.Granted);
        gateway.StartReporting(key, clientId);
        return (key, verdict.StreamId);
    }

    [Fact]
    public async Task Versions_reply_carries_the_envelope_and_the_api_level()
    {
        var body = await Get("/api/v1/versions");

        Assert.Equal([.. EnvelopeFields, "data"], Keys(body));
        Assert.Equal(0, (int)body["code"]!);
        Assert.Equal(ApiFixture.ServerId, (string?)body["server"]);
        Assert.Matches("^[0-9a-z]{8}$", (string?)body["service"]);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)body["pid"]);
        Assert.Equal("""{"major":6,"minor":0,"revision":0,"version":"6.0.0"}""", body["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Api_roots_list_their_urls()
    {
        Assert.Equal("the api version 1.0", (string?)(await Get("/api/"))["urls"]?["v1"]);
        var v1 = await Get("/api/v1/");
        Assert.NotNull(v1["urls"]?["streams"]);
        Assert.NotNull(v1["urls"]?["clients"]);
    }

    [Fact]
    public async Task Streams_list_shows_a_published_stream_with_srs_fields()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var (key, streamId) = await Publish(gateway, "apipub01");
        await _client.GetGrain<IStreamGrain>(key).SetCodecs("apipub01",
            new VideoInfo("H264", "High", "3.1", 1920, 1080), new AudioInfo("AAC", 44100, 2, "LC"));
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var body = await Get("/api/v1/streams?count=1000");

        Assert.Equal([.. EnvelopeFields, "streams"], Keys(body));
        var stream = body["streams"]!.AsArray().Single(s => (string?)s!["id"] == streamId)!;
        Assert.Equal(StreamFields, Keys(stream));
        var (_, _, name) = StreamKey.Parse(key);
        Assert.Equal(name, (string?)stream["name"]);
        Assert.Equal("live", (string?)stream["app"]);
        Assert.Equal($"/live/{name}", (string?)stream["url"]);
        Assert.Equal("rtmp://127.0.0.1/live", (string?)stream["tcUrl"]);
        Assert.InRange((long)stream["live_ms"]!, before - 1000, before + 60_000);
        Assert.Equal(1, (int)stream["clients"]!);
        Assert.Equal(["recv_30s", "send_30s"], Keys(stream["kbps"]));
        Assert.Equal("""{"active":true,"cid":"apipub01"}""", stream["publish"]!.ToJsonString());
        Assert.Equal("""{"codec":"H264","profile":"High","level":"3.1","width":1920,"height":1080}""",
            stream["video"]!.ToJsonString());
        Assert.Equal("""{"codec":"AAC","sample_rate":44100,"channel":2,"profile":"LC"}""",
            stream["audio"]!.ToJsonString());

        // The stream names its vhost by the vhost's id, which /api/v1/vhosts resolves.
        var vhostId = (string)stream["vhost"]!;
        Assert.Matches("^vid-[0-9a-z]{7}$", vhostId);
        var vhost = (await Get($"/api/v1/vhosts/{vhostId}"))["vhost"]!;
        Assert.Equal(StreamKey.DefaultVhost, (string?)vhost["name"]);
        Assert.Equal(
            // Beyond SRS, after its fields: the vhost's settings, for the console.
            ["id", "name", "enabled", "clients", "streams", "send_bytes", "recv_bytes", "kbps", "hls", "settings", "override", "config_version"],
            Keys(vhost));
        Assert.False((bool)vhost["override"]!);
        Assert.True((long)vhost["config_version"]! >= 1);
        Assert.True((int)vhost["streams"]! >= 1);

        gateway.StopReporting();
        await _client.GetGrain<IStreamGrain>(key).ReleasePublish("apipub01");
    }

    [Fact]
    public async Task One_stream_by_id_and_unknown_ids()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var (key, streamId) = await Publish(gateway, "apipub02");

        var body = await Get($"/api/v1/streams/{streamId}");
        Assert.Equal([.. EnvelopeFields, "stream"], Keys(body));
        Assert.Equal(streamId, (string?)body["stream"]?["id"]);
        Assert.Equal("apipub02", (string?)body["stream"]?["publish"]?["cid"]);

        Assert.Equal("""{"code":2048}""", (await Get("/api/v1/streams/vid-nothere")).ToJsonString());
        Assert.Equal("""{"code":2014}""", (await Get("/api/v1/vhosts/vid-nothere")).ToJsonString());
        Assert.Equal("""{"code":2049}""", (await Get("/api/v1/clients/nothere0")).ToJsonString());

        using var post = await api.Http.PostAsync("/api/v1/streams", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);

        gateway.StopReporting();
        await _client.GetGrain<IStreamGrain>(key).ReleasePublish("apipub02");
    }

    [Fact]
    public async Task Clients_are_listed_and_kicked_through_their_gateway()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var id = Ids.NewClientId();
        gateway.Held[id] = true;
        var session = _client.GetGrain<IClientSessionGrain>(id);
        await session.Open(ClientSessionGrainTests.Info(id, gateway.Id, "flv-play", started: DateTime.UtcNow.AddSeconds(-3)));
        // The gateway's report lists the connection with its counters in the gateway's grain.
        Assert.False(await gateway.Report(full: true, [new ClientTraffic(id, 1234, 56)]));

        var list = await Get("/api/v1/clients?count=1000");
        Assert.Equal([.. EnvelopeFields, "clients"], Keys(list));
        var client = list["clients"]!.AsArray().Single(c => (string?)c!["id"] == id)!;
        Assert.Equal(ClientFields, Keys(client));
        Assert.Equal("flv-play", (string?)client["type"]);
        Assert.False((bool)client["publish"]!);
        Assert.Equal("vid-abcdefg", (string?)client["stream"]);
        Assert.Equal("/live/livestream", (string?)client["url"]);
        Assert.Equal(1234, (long)client["send_bytes"]!);
        Assert.InRange((double)client["alive"]!, 2.5, 600);
        Assert.Matches("^vid-[0-9a-z]{7}$", (string?)client["vhost"]);

        Assert.Equal(id, (string?)(await Get($"/api/v1/clients/{id}"))["client"]?["id"]);

        using (var kick = await api.Http.DeleteAsync($"/api/v1/clients/{id}"))
        {
            var body = JsonNode.Parse(await kick.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal(EnvelopeFields, Keys(body));
            Assert.Equal(0, (int)body["code"]!);
        }
        Assert.Contains(id, gateway.Kicked);

        using (var unknown = await api.Http.DeleteAsync("/api/v1/clients/nothere0"))
        {
            Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
            Assert.Equal("""{"code":2049}""", await unknown.Content.ReadAsStringAsync());
        }
        using (var noId = await api.Http.DeleteAsync("/api/v1/clients/"))
        {
            Assert.Equal("""{"code":2049}""", await noId.Content.ReadAsStringAsync());
        }
        await session.Close(2000, 56);
        Assert.Equal("""{"code":2049}""", (await Get($"/api/v1/clients/{id}")).ToJsonString());
        await gateway.Report(full: false, closed: [id]);
    }

    [Fact]
    public async Task Paging_never_returns_fewer_than_ten()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var keys = Enumerable.Range(0, 12).Select(i => StreamKey.Of(StreamKey.DefaultVhost, "page", $"p{i}{Ids.Random(4)}")).ToList();
        foreach (var key in keys)
        {
            await _client.GetGrain<IStreamGrain>(key).PlayerJoined(new PlayClaim("pl" + Ids.Random(6), gateway.Id, "10.1.1.2", "rtmp://127.0.0.1/page", "", ""));
        }

        Assert.Equal(10, (await Get("/api/v1/streams?count=1"))["streams"]!.AsArray().Count);
        Assert.Equal(10, (await Get("/api/v1/streams"))["streams"]!.AsArray().Count);
        Assert.Equal(10, (await Get("/api/v1/streams?start=-5&count=-1"))["streams"]!.AsArray().Count);
        Assert.Equal(11, (await Get("/api/v1/streams?count=11"))["streams"]!.AsArray().Count);
        Assert.Empty((await Get("/api/v1/streams?start=100000"))["streams"]!.AsArray());

        var all = (await Get("/api/v1/streams?count=1000"))["streams"]!.AsArray().Select(s => (string)s!["id"]!).ToList();
        var tail = (await Get($"/api/v1/streams?start={all.Count - 2}&count=10"))["streams"]!.AsArray();
        Assert.Equal(all.TakeLast(2), tail.Select(s => (string)s!["id"]!));
    }

    [Fact]
    public async Task Every_reply_carries_cors_headers_and_options_is_answered_empty()
    {
        using var get = await api.Http.GetAsync("/api/v1/streams/vid-nothere");
        AssertCors(get);

        using var options = await api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/api/v1/clients/"));
        Assert.Equal(HttpStatusCode.OK, options.StatusCode);
        Assert.Empty(await options.Content.ReadAsByteArrayAsync());
        AssertCors(options);

        using var wrongVerb = await api.Http.PutAsync("/api/v1/vhosts", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongVerb.StatusCode);
        AssertCors(wrongVerb);
    }

    private static void AssertCors(HttpResponseMessage response)
    {
        foreach (var header in new[] { "Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Expose-Headers" })
        {
            Assert.Equal("*", response.Headers.GetValues(header).Single());
        }
        Assert.Equal("false", response.Headers.GetValues("Access-Control-Allow-Credentials").Single());
    }

    [Fact]
    public async Task Jsonp_wraps_the_reply_in_the_callback()
    {
        using var versions = await api.Http.GetAsync("/api/v1/versions?callback=onVersions");
        Assert.Equal("text/javascript", versions.Content.Headers.ContentType?.MediaType);
        var text = await versions.Content.ReadAsStringAsync();
        Assert.StartsWith("onVersions({\"code\":0,", text);
        Assert.EndsWith("})", text);
        var json = JsonNode.Parse(text["onVersions(".Length..^1])!;
        Assert.Equal(6, (int)json["data"]!["major"]!);

        // JSONP callers can only GET, so method= stands for the verb.
        using var kick = await api.Http.GetAsync("/api/v1/clients/nothere0?callback=cb&method=DELETE");
        Assert.Equal("cb({\"code\":2049})", await kick.Content.ReadAsStringAsync());
        using var post = await api.Http.GetAsync("/api/v1/streams?callback=cb&method=POST");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Summaries_and_system_stats_describe_this_process()
    {
        var summaries = (await Get("/api/v1/summaries"))["data"]!;
        Assert.True((bool)summaries["ok"]!);
        Assert.Equal(Environment.ProcessId, (int)summaries["self"]!["pid"]!);
        Assert.True((long)summaries["self"]!["mem_kbyte"]! > 0);
        Assert.True((int)summaries["system"]!["cpus"]! > 0);
        Assert.True((long)summaries["system"]!["mem_ram_kbyte"]! > 0);
        Assert.NotNull(summaries["system"]!["ilde_time"]);

        var rusage = (await Get("/api/v1/rusages"))["data"]!;
        Assert.True((long)rusage["ru_maxrss"]! > 0);
        var meminfo = (await Get("/api/v1/meminfos"))["data"]!;
        Assert.True((long)meminfo["MemTotal"]! > 0);
        Assert.True((bool)(await Get("/api/v1/features"))["data"]!["features"]!["api"]!);
        Assert.NotNull((await Get("/api/v1/authors"))["data"]!["license"]);
    }

    [Fact]
    public async Task Vhosts_list_includes_configured_vhosts()
    {
        var vhosts = (await Get("/api/v1/vhosts"))["vhosts"]!.AsArray();
        var configured = vhosts.Single(v => (string?)v!["name"] == ClusterFixture.ConfiguredVhost)!;
        Assert.Matches("^vid-[0-9a-z]{7}$", (string?)configured["id"]);
        Assert.Equal("""{"enabled":false}""", configured["hls"]!.ToJsonString());
        Assert.Equal(0, (int)configured["streams"]!);
    }
}
