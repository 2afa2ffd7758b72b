using System.Text.Json;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>ffmpeg publishes over RTMP; ffprobe and ffmpeg play over RTMP and HTTP-FLV.</summary>
[Collection(ServerCollection.Name)]
public sealed class RtmpPublishPlayTests(ServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Published_stream_probes_as_h264_and_aac_over_rtmp_and_http_flv()
    {
        var stream = "probe" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await WaitForPublishingAsync(stream, publisher);

        foreach (var url in new[] { server.RtmpUrl("live", stream), server.FlvUrl("live", stream) })
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

    [Fact]
    public async Task Two_players_receive_frames_the_api_lists_them_and_they_end_with_the_publisher()
    {
        var stream = "fan" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await WaitForPublishingAsync(stream, publisher);

        await using var rtmpPlayer = Ffmpeg.Play(server.RtmpUrl("live", stream));
        await using var flvPlayer = Ffmpeg.Play(server.FlvUrl("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(rtmpPlayer.StdErr) >= 25 && Ffmpeg.FramesDecoded(flvPlayer.StdErr) >= 25, Deadline, "both players decoding frames");

        var clients = await Wait.ForAsync(async () =>
        {
            var found = await server.FindClientsAsync(stream);
            return found.Count == 3 ? found : null;
        }, Deadline, "publisher and two players in /api/v1/clients");
        var types = clients.Select(c => c.GetProperty("type").GetString() ?? "").Order().ToArray();
        Assert.Equal(["flv-play", "fmle-publish", "rtmp-play"], types);
        Assert.Single(clients, c => c.GetProperty("publish").GetBoolean());

        var snapshot = await Wait.ForAsync(async () =>
        {
            var s = await server.FindStreamAsync("live", stream);
            return s is { } found && found.GetProperty("clients").GetInt32() == 3 && found.GetProperty("video").ValueKind == JsonValueKind.Object ? s : null;
        }, Deadline, "stream with three clients and codec info");
        var json = snapshot!.Value;
        Assert.Equal("H264", json.GetProperty("video").GetProperty("codec").GetString());
        Assert.Equal(640, json.GetProperty("video").GetProperty("width").GetInt32());
        Assert.Equal(360, json.GetProperty("video").GetProperty("height").GetInt32());
        Assert.Equal("AAC", json.GetProperty("audio").GetProperty("codec").GetString());
        var publisherId = clients.Single(c => c.GetProperty("publish").GetBoolean()).GetProperty("id").GetString();
        Assert.Equal(publisherId, json.GetProperty("publish").GetProperty("cid").GetString());
        Assert.All(clients, c => Assert.Equal(json.GetProperty("id").GetString(), c.GetProperty("stream").GetString()));

        publisher.Kill();
        Assert.True(await rtmpPlayer.WaitForExitAsync(Deadline), "RTMP player should end when the publisher stops");
        Assert.True(await flvPlayer.WaitForExitAsync(Deadline), "HTTP-FLV player should end when the publisher stops");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is null, Deadline, "stream to leave the API");
    }

    [Fact]
    public async Task A_second_publisher_is_refused_and_the_first_keeps_the_stream()
    {
        var stream = "busy" + Ids.Random(5);
        await using var first = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        var owner = await WaitForPublishingAsync(stream, first);

        await using var second = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        Assert.True(await second.WaitForExitAsync(Deadline), "the second publisher should be closed");
        Assert.NotEqual(0, second.ExitCode);

        Assert.False(first.HasExited);
        var again = await server.FindStreamAsync("live", stream);
        Assert.Equal(owner, again!.Value.GetProperty("publish").GetProperty("cid").GetString());
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("refused", StringComparison.Ordinal) && l.Message.Contains(stream, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_player_that_comes_first_waits_for_the_publisher()
    {
        var stream = "early" + Ids.Random(5);
        await using var player = Ffmpeg.Play(server.FlvUrl("live", stream));
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Count == 1, Deadline, "waiting player listed");

        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 25, Deadline, "waiting player to decode frames");
    }

    [Fact]
    public async Task Delete_on_the_api_kicks_a_player_and_its_logs_carry_its_client_id()
    {
        var stream = "kick" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await WaitForPublishingAsync(stream, publisher);
        await using var player = Ffmpeg.Play(server.RtmpUrl("live", stream));

        var playerId = await Wait.ForAsync(async () =>
            (await server.FindClientsAsync(stream)).FirstOrDefault(c => c.GetProperty("type").GetString() == "rtmp-play").GetProperty("id").GetString(),
            Deadline, "rtmp player listed");
        var one = await server.GetJsonAsync($"api/v1/clients/{playerId}");
        Assert.Equal(0, one.GetProperty("code").GetInt32());
        Assert.Equal("127.0.0.1", one.GetProperty("client").GetProperty("ip").GetString());

        using var response = await server.Api.DeleteAsync($"api/v1/clients/{playerId}");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, body.RootElement.GetProperty("code").GetInt32());
        Assert.True(await player.WaitForExitAsync(Deadline), "kicked player should end");
        Assert.False(publisher.HasExited);
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).All(c => c.GetProperty("id").GetString() != playerId), Deadline, "kicked player to leave the API");

        var lines = server.Logs.Lines.Where(l => Equals(l.Scope.GetValueOrDefault("ClientId"), playerId)).ToList();
        Assert.True(lines.Count > 0, string.Join("\n", server.Logs.Lines.TakeLast(30).Select(l => l.Message + " | " + string.Join(",", l.Scope.Select(kv => kv.Key + "=" + kv.Value)))));
        Assert.Contains(lines, l => l.Message.Contains("RTMP play", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Message.Contains("Kicked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_player_that_stops_reading_is_dropped_while_others_keep_playing()
    {
        var stream = "stall" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await WaitForPublishingAsync(stream, publisher);

        await using var stalled = await RawRtmpClient.ConnectAsync(server.RtmpPort, receiveBufferSize: 4096);
        await stalled.HandshakeAsync();
        await stalled.ConnectAppAsync(server.RtmpPort);
        await stalled.ReadCommandAsync("_result", Deadline);
        await stalled.SendCommandAsync("createStream", 2, null);
        await stalled.SendCommandAsync("play", 0, null, stream);
        // From here on the client reads nothing.
        var stalledId = await Wait.ForAsync(async () =>
            (await server.FindClientsAsync(stream)).FirstOrDefault(c => c.GetProperty("type").GetString() == "rtmp-play").GetProperty("id").GetString(),
            Deadline, "stalled player listed");

        await using var healthy = Ffmpeg.Play(server.FlvUrl("live", stream));
        await Wait.UntilAsync(
            () => server.Logs.Lines.Any(l => l.Message.Contains("too slow", StringComparison.Ordinal) && Equals(l.Scope.GetValueOrDefault("ClientId"), stalledId)),
            Deadline, "stalled player dropped as too slow");
        var before = Ffmpeg.FramesDecoded(healthy.StdErr);
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(healthy.StdErr) >= before + 25, Deadline, "healthy player still decoding");
        Assert.False(publisher.HasExited);
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).All(c => c.GetProperty("id").GetString() != stalledId), Deadline, "stalled player gone from the API");
    }

    /// <summary>Waits until the API shows the stream published; returns the publisher's client id.</summary>
    private async Task<string> WaitForPublishingAsync(string stream, ExternalProcess publisher)
    {
        return await Wait.ForAsync(async () =>
        {
            if (publisher.HasExited)
            {
                throw new InvalidOperationException("publisher exited: " + publisher.StdErr);
            }
            var s = await server.FindStreamAsync("live", stream);
            if (s is not { } found || !found.GetProperty("publish").GetProperty("active").GetBoolean() || found.GetProperty("video").ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return found.GetProperty("publish").GetProperty("cid").GetString();
        }, Deadline, $"stream {stream} to be published");
    }
}
