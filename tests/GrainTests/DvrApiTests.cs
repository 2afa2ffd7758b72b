using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

/// <summary>/api/v1/dvrs over a test cluster with a fake gateway holding the publisher.</summary>
public sealed class DvrApiTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private readonly IClusterClient _client = api.Client;

    private async Task<JsonObject> Send(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        using var response = await api.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task Post_starts_delete_stops_and_get_lists_the_files()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var stream = "rec" + Ids.Random(6);
        var key = StreamKey.Of(StreamKey.DefaultVhost, "live", stream);
        var dvr = _client.GetGrain<IDvrGrain>(key);
        Assert.Null(await dvr.OnPublish(new DvrPublish("pub00001", gateway.Id, "vid-abcdefg", "10.0.0.1", "rtmp://h/live", "")));

        var started = await Send(HttpMethod.Post, $"/api/v1/dvrs?app=live&stream={stream}&plan=segment&duration=5");
        Assert.Equal(0, (int)started["code"]!);
        Assert.True((bool)started["dvr"]!["recording"]!);
        Assert.Equal("segment", (string?)started["dvr"]!["plan"]);
        Assert.Equal(new DvrSettings().Path, (string?)started["dvr"]!["path"]);
        Assert.True(gateway.DvrControls.TryDequeue(out var control));
        Assert.Equal(5, control.Assignment!.Duration);

        await dvr.FileClosed(new DvrFile("./objs/nginx/html/live/x.flv", "/srv", "flv", "segment", DateTime.UtcNow, 5.02, 1234, true, "pub00001", gateway.Id));
        var listed = await Send(HttpMethod.Get, $"/api/v1/dvrs?stream={stream}");
        var entry = Assert.Single(listed["dvrs"]!.AsArray())!;
        Assert.Equal($"/live/{stream}", (string?)entry["url"]);
        var file = Assert.Single(entry["files"]!.AsArray())!;
        Assert.Equal("./objs/nginx/html/live/x.flv", (string?)file["file"]);
        Assert.Equal(5.02, (double)file["duration"]!);
        Assert.Equal(1234, (long)file["size"]!);

        var stopped = await Send(HttpMethod.Delete, $"/api/v1/dvrs?app=live&stream={stream}");
        Assert.False((bool)stopped["dvr"]!["recording"]!);
        Assert.True(gateway.DvrControls.TryDequeue(out control));
        Assert.Null(control.Assignment);
    }

    [Fact]
    public async Task A_json_body_works_like_the_query_and_bad_requests_get_an_error_code()
    {
        var stream = "body" + Ids.Random(6);
        var armed = await Send(HttpMethod.Post, "/api/v1/dvrs", $$"""{"app":"live","stream":"{{stream}}","path":"/x/[stream].mp4"}""");
        Assert.Equal(0, (int)armed["code"]!);
        Assert.False((bool)armed["dvr"]!["live"]!);
        var status = await _client.GetGrain<IDvrGrain>(StreamKey.Of(StreamKey.DefaultVhost, "live", stream)).OnPublish(
            new DvrPublish("pub00002", "gw-none", "vid-abcdefg", "", "", ""));
        Assert.Equal("/x/[stream].mp4", status!.Path);

        Assert.Equal(400, (int)(await Send(HttpMethod.Post, "/api/v1/dvrs?app=live"))["code"]!);
        Assert.Equal(400, (int)(await Send(HttpMethod.Post, $"/api/v1/dvrs?app=live&stream={stream}&plan=append"))["code"]!);
        Assert.Equal(2048, (int)(await Send(HttpMethod.Post, "/api/v1/dvrs/vid-nothere"))["code"]!);
        using var response = await api.Http.PatchAsync($"/api/v1/dvrs?app=live&stream={stream}", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
