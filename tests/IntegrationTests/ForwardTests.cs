using System.Text.Json;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>Forward (SRS `forward { }`): the gateway holding a publisher pushes copies to static
/// destinations and to those a backend names; failing destinations are retried and shown in the API.</summary>
[Collection(ServerCollection.Name)]
public sealed class ForwardTests(ServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Static_destination_receives_a_playable_copy_that_ends_with_the_publisher()
    {
        var stream = "fwd" + Ids.Random(5);
        var vhostQuery = "?vhost=" + ServerFixture.ForwardVhost;
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream + vhostQuery));
        await WaitForVideoAsync("live", stream, publisher);

        // The copy is published into the same vhost, app "mirror", by the server itself.
        var mirror = await WaitForVideoAsync("mirror", stream, publisher);
        Assert.Equal(ServerFixture.ForwardVhost + "/mirror/" + stream, mirror.GetProperty("url").GetString());
        await AssertPlaysH264AndAacAsync(server.RtmpUrl("mirror", stream + vhostQuery));

        var expectedUrl = $"rtmp://127.0.0.1:{server.RtmpPort}/mirror/{stream}{vhostQuery}";
        var forward = await WaitForForwardAsync("live", stream, f => f.GetProperty("state").GetString() == ForwardStates.Active, "forward active in the API");
        Assert.Equal(expectedUrl, forward.GetProperty("url").GetString());
        Assert.Equal(1, forward.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, forward.GetProperty("error").ValueKind);

        // The mirror would forward to itself: that destination is refused as a loop, not retried.
        var loop = await WaitForForwardAsync("mirror", stream, f => f.GetProperty("state").GetString() == ForwardStates.Stopped, "mirror's looping forward stopped");
        Assert.Contains("loop", loop.GetProperty("error").GetString(), StringComparison.Ordinal);

        publisher.Kill();
        await Wait.UntilAsync(async () => await server.FindStreamAsync("mirror", stream) is null, Deadline, "forwarded stream to leave the API");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is null, Deadline, "source stream to leave the API");
    }

    [Fact]
    public async Task Backend_names_a_destination_with_srs_on_forward_fields()
    {
        var stream = "dyn" + Ids.Random(5);
        var vhostQuery = "?vhost=" + ServerFixture.DynamicForwardVhost;
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream + vhostQuery));
        var source = await WaitForVideoAsync("live", stream, publisher);

        await WaitForVideoAsync(ForwardBackend.MirrorApp, stream, publisher);
        await AssertPlaysH264AndAacAsync(server.RtmpUrl(ForwardBackend.MirrorApp, stream));

        var request = server.ForwardBackend.Requests.Single(r => r.GetProperty("stream").GetString() == stream);
        var api = await server.GetJsonAsync("api/v1/versions");
        Assert.Equal(
            ["action", "server_id", "service_id", "client_id", "ip", "vhost", "app", "tcUrl", "stream", "param"],
            request.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("on_forward", request.GetProperty("action").GetString());
        Assert.Equal(api.GetProperty("server").GetString(), request.GetProperty("server_id").GetString());
        Assert.Equal(api.GetProperty("service").GetString(), request.GetProperty("service_id").GetString());
        Assert.Equal(source.GetProperty("publish").GetProperty("cid").GetString(), request.GetProperty("client_id").GetString());
        Assert.Equal("127.0.0.1", request.GetProperty("ip").GetString());
        Assert.Equal(ServerFixture.DynamicForwardVhost, request.GetProperty("vhost").GetString());
        Assert.Equal("live", request.GetProperty("app").GetString());
        Assert.Equal($"rtmp://127.0.0.1:{server.RtmpPort}/live", request.GetProperty("tcUrl").GetString());
        Assert.Equal(vhostQuery, request.GetProperty("param").GetString());

        // The backend's empty URL is skipped: one forward, to the URL it named.
        var forwards = await Wait.ForAsync(async () =>
        {
            var s = await server.FindStreamAsync("live", stream);
            return s is { } found && found.TryGetProperty("forwards", out var list) && list.EnumerateArray().Any(f => f.GetProperty("state").GetString() == ForwardStates.Active)
                ? list.EnumerateArray().ToArray() : null;
        }, Deadline, "dynamic forward active in the API");
        var forward = Assert.Single(forwards);
        Assert.Equal($"rtmp://127.0.0.1:{server.RtmpPort}/{ForwardBackend.MirrorApp}/{stream}", forward.GetProperty("url").GetString());

        publisher.Kill();
        await Wait.UntilAsync(async () => await server.FindStreamAsync(ForwardBackend.MirrorApp, stream) is null, Deadline, "forwarded stream to leave the API");
    }

    [Fact]
    public async Task Failing_destination_is_retried_with_backoff_while_the_source_keeps_playing()
    {
        var stream = "bad" + Ids.Random(5);
        var vhostQuery = "?vhost=" + ServerFixture.BadForwardVhost;
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream + vhostQuery));
        var source = await WaitForVideoAsync("live", stream, publisher);
        var publisherId = source.GetProperty("publish").GetProperty("cid").GetString();

        var forward = await WaitForForwardAsync("live", stream,
            f => f.GetProperty("state").GetString() == ForwardStates.Retrying && f.GetProperty("attempts").GetInt32() > 1,
            "failing forward retried more than once");
        Assert.Equal($"rtmp://127.0.0.1:{server.ClosedPort}/live/{stream}{vhostQuery}", forward.GetProperty("url").GetString());
        Assert.False(string.IsNullOrEmpty(forward.GetProperty("error").GetString()));

        await AssertPlaysH264AndAacAsync(server.RtmpUrl("live", stream + vhostQuery));
        Assert.False(publisher.HasExited, "the publisher keeps publishing");
        var stillActive = await server.FindStreamAsync("live", stream);
        Assert.True(stillActive?.GetProperty("publish").GetProperty("active").GetBoolean());

        // Each failure is logged in the publisher's client scope.
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("Forward of", StringComparison.Ordinal)
            && l.Message.Contains(stream, StringComparison.Ordinal) && Equals(l.Scope.GetValueOrDefault("ClientId"), publisherId));

        publisher.Kill();
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is null, Deadline, "stream to leave the API");
    }

    private async Task<JsonElement> WaitForVideoAsync(string app, string stream, ExternalProcess publisher) =>
        (await Wait.ForAsync(async () =>
        {
            if (publisher.HasExited)
            {
                throw new InvalidOperationException("ffmpeg publisher exited: " + publisher.StdErr);
            }
            var s = await server.FindStreamAsync(app, stream);
            return s is { } found && found.GetProperty("publish").GetProperty("active").GetBoolean()
                && found.GetProperty("video").ValueKind == JsonValueKind.Object ? s : null;
        }, Deadline, $"{app}/{stream} published with video"))!.Value;

    private async Task<JsonElement> WaitForForwardAsync(string app, string stream, Func<JsonElement, bool> match, string what) =>
        (await Wait.ForAsync(async () =>
        {
            var s = await server.FindStreamAsync(app, stream);
            return s is { } found && found.TryGetProperty("forwards", out var list) && list.EnumerateArray().FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } f
                ? f : (JsonElement?)null;
        }, Deadline, what))!.Value;

    private static async Task AssertPlaysH264AndAacAsync(string url)
    {
        var streams = await Ffmpeg.ProbeStreamsAsync(url, Deadline);
        var video = streams.Single(s => s.GetProperty("codec_type").GetString() == "video");
        var audio = streams.Single(s => s.GetProperty("codec_type").GetString() == "audio");
        Assert.Equal("h264", video.GetProperty("codec_name").GetString());
        Assert.Equal(640, video.GetProperty("width").GetInt32());
        Assert.Equal(360, video.GetProperty("height").GetInt32());
        Assert.Equal("aac", audio.GetProperty("codec_name").GetString());
    }
}
