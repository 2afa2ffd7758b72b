using System.Net;
using System.Text.Json;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>HTTP callbacks in SRS's format against a hook backend, with ffmpeg publishing and playing.</summary>
[Collection(HooksCollection.Name)]
public sealed class HooksTests(HooksServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private HookBackend Backend => server.Backend;

    [Fact]
    public async Task Callbacks_carry_the_srs_fields_with_the_values_the_api_shows()
    {
        var stream = "fields" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream) + "?token=abc", 320, 180);
        var published = await WaitPublishedAsync(stream, publisher);
        var streamId = published.GetProperty("id").GetString();
        var envelope = await server.GetJsonAsync("api/v1/versions");
        var serverId = envelope.GetProperty("server").GetString();
        var serviceId = envelope.GetProperty("service").GetString();
        var publisherId = (await server.FindClientsAsync(stream)).Single(c => c.GetProperty("publish").GetBoolean()).GetProperty("id").GetString()!;
        var tcUrl = $"rtmp://127.0.0.1:{server.RtmpPort}/live";

        var connect = Backend.Where(c => c.Action == "on_connect" && c.ClientId == publisherId).Single();
        Assert.Equal("a/on_connect", connect.Path);
        AssertFields(connect.Body, new()
        {
            ["server_id"] = serverId,
            ["service_id"] = serviceId,
            ["action"] = "on_connect",
            ["client_id"] = publisherId,
            ["ip"] = "127.0.0.1",
            ["vhost"] = StreamKey.DefaultVhost,
            ["app"] = "live",
            ["stream"] = "",
            ["param"] = "",
            ["tcUrl"] = tcUrl,
            ["pageUrl"] = "",
        });

        // Two on_publish URLs, called in order, both allowing.
        var publishes = Backend.Of("on_publish", stream);
        Assert.Equal(["a/on_publish", "b/on_publish/json"], publishes.Select(c => c.Path));
        foreach (var call in publishes)
        {
            AssertFields(call.Body, new()
            {
                ["server_id"] = serverId,
                ["service_id"] = serviceId,
                ["action"] = "on_publish",
                ["client_id"] = publisherId,
                ["ip"] = "127.0.0.1",
                ["vhost"] = StreamKey.DefaultVhost,
                ["app"] = "live",
                ["tcUrl"] = tcUrl,
                ["stream"] = stream,
                ["param"] = "?token=abc",
                ["stream_url"] = $"/live/{stream}",
                ["stream_id"] = streamId,
            });
        }

        await using (var player = Ffmpeg.Play(server.RtmpUrl("live", stream) + "?token=xyz"))
        {
            await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 10, Deadline, "the player decoding frames");
            var playerId = (await server.FindClientsAsync(stream)).Single(c => c.GetProperty("type").GetString() == "rtmp-play").GetProperty("id").GetString()!;
            var play = Backend.Where(c => c.Action == "on_play" && c.ClientId == playerId).Single();
            AssertFields(play.Body, new()
            {
                ["server_id"] = serverId,
                ["service_id"] = serviceId,
                ["action"] = "on_play",
                ["client_id"] = playerId,
                ["ip"] = "127.0.0.1",
                ["vhost"] = StreamKey.DefaultVhost,
                ["app"] = "live",
                ["stream"] = stream,
                ["tcUrl"] = tcUrl,
                ["param"] = "?token=xyz",
                ["pageUrl"] = "",
                ["stream_url"] = $"/live/{stream}",
                ["stream_id"] = streamId,
            });

            publisher.Kill();
            Assert.True(await player.WaitForExitAsync(Deadline), "the player should end with the publisher");

            var stop = await Wait.ForAsync(() => Task.FromResult(Backend.Where(c => c.Action == "on_stop" && c.ClientId == playerId).SingleOrDefault()), Deadline, "on_stop");
            AssertFields(stop!.Body, new()
            {
                ["action"] = "on_stop",
                ["client_id"] = playerId,
                ["ip"] = "127.0.0.1",
                ["vhost"] = StreamKey.DefaultVhost,
                ["app"] = "live",
                ["stream"] = stream,
                ["tcUrl"] = tcUrl,
                ["param"] = "?token=xyz",
                ["stream_url"] = $"/live/{stream}",
                ["stream_id"] = streamId,
            });
        }

        var unpublish = await Wait.ForAsync(() => Task.FromResult(Backend.Of("on_unpublish", stream).SingleOrDefault()), Deadline, "on_unpublish");
        AssertFields(unpublish!.Body, new()
        {
            ["server_id"] = serverId,
            ["action"] = "on_unpublish",
            ["client_id"] = publisherId,
            ["ip"] = "127.0.0.1",
            ["app"] = "live",
            ["tcUrl"] = tcUrl,
            ["stream"] = stream,
            ["param"] = "?token=abc",
            ["stream_url"] = $"/live/{stream}",
            ["stream_id"] = streamId,
        });

        var close = await Wait.ForAsync(() => Task.FromResult(Backend.Where(c => c.Action == "on_close" && c.ClientId == publisherId).SingleOrDefault()), Deadline, "on_close");
        AssertFields(close!.Body, new()
        {
            ["server_id"] = serverId,
            ["service_id"] = serviceId,
            ["action"] = "on_close",
            ["client_id"] = publisherId,
            ["ip"] = "127.0.0.1",
            ["vhost"] = StreamKey.DefaultVhost,
            ["app"] = "live",
        });
        Assert.True(close.Body.GetProperty("recv_bytes").GetInt64() > 10_000, close.Body.ToString());
        Assert.True(close.Body.GetProperty("send_bytes").GetInt64() > 0, close.Body.ToString());
        Assert.False(close.Body.TryGetProperty("stream", out _));
    }

    [Fact]
    public async Task A_publish_refused_by_on_publish_never_reaches_players()
    {
        var stream = "deny" + Ids.Random(5);
        using var http = new HttpClient { Timeout = Deadline };
        using var player = await http.GetAsync(server.FlvUrl("live", stream), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, player.StatusCode);
        await using var body = await player.Content.ReadAsStreamAsync();

        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream), 320, 180);
        Assert.True(await publisher.WaitForExitAsync(Deadline), "the refused publisher should be closed");
        Assert.NotEqual(0, publisher.ExitCode);

        // The first on_publish URL refused, so the second was never asked.
        Assert.Equal(["a/on_publish"], Backend.Of("on_publish", stream).Select(c => c.Path));
        var listed = await server.FindStreamAsync("live", stream);
        Assert.False(listed?.GetProperty("publish").GetProperty("active").GetBoolean() ?? false, "the refused stream should not be active");
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains($"/live/{stream} refused", StringComparison.Ordinal) && l.Message.Contains("code 1001", StringComparison.Ordinal));

        // The waiting player got the FLV header and nothing after it.
        var header = new byte[13];
        await body.ReadExactlyAsync(header);
        using var more = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var extra = new byte[1];
        var read = await ReadOrZeroAsync(body, extra, more.Token);
        Assert.Equal(0, read);
    }

    [Fact]
    public async Task A_play_refused_by_on_play_closes_rtmp_and_answers_http_403()
    {
        var stream = "guarded" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream), 320, 180);
        await WaitPublishedAsync(stream, publisher);

        await using var refused = Ffmpeg.Play(server.RtmpUrl("live", stream) + "?token=bad", seconds: 2);
        Assert.True(await refused.WaitForExitAsync(Deadline), "the refused RTMP player should be closed");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Equal(0, Ffmpeg.FramesDecoded(refused.StdErr));

        using var http = new HttpClient { Timeout = Deadline };
        using var forbidden = await http.GetAsync(server.FlvUrl("live", stream) + "?token=bad", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        Assert.Equal(2, Backend.Where(c => c.Action == "on_play" && c.Stream == stream && c.Field("param") == "?token=bad").Count);
        var streams = await Ffmpeg.ProbeStreamsAsync(server.FlvUrl("live", stream) + "?token=good", Deadline);
        Assert.Contains(streams, s => s.GetProperty("codec_name").GetString() == "h264");
        // Refused players were never listed, so they get no on_stop either.
        await Wait.UntilAsync(() => Backend.Where(c => c.Action == "on_stop" && c.Stream == stream).Count == 1, Deadline, "on_stop of the allowed probe");
        Assert.Equal("?token=good", Backend.Where(c => c.Action == "on_stop" && c.Stream == stream).Single().Field("param"));
    }

    [Fact]
    public async Task A_hook_that_does_not_answer_in_time_refuses()
    {
        var stream = "slow" + Ids.Random(5);
        using var http = new HttpClient { Timeout = Deadline };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await http.GetAsync(server.FlvUrl("live", stream), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(HooksServerFixture.HookTimeoutMs - 100), $"refused after {clock.Elapsed}");
        Assert.Single(Backend.Of("on_play", stream));
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains($"no answer within {HooksServerFixture.HookTimeoutMs} ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deny_rule_for_loopback_blocks_publish_before_any_hook()
    {
        var stream = "secure" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream) + $"?vhost={HooksServerFixture.SecureVhost}", 320, 180);
        Assert.True(await publisher.WaitForExitAsync(Deadline), "the publisher should be refused");
        Assert.NotEqual(0, publisher.ExitCode);

        Assert.Empty(Backend.Of("on_publish", stream));
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("denied by 'deny publish 127.0.0.1'", StringComparison.Ordinal));
        var streams = await server.GetJsonAsync("api/v1/streams?count=1000");
        Assert.DoesNotContain(streams.GetProperty("streams").EnumerateArray(),
            s => s.GetProperty("name").GetString() == stream && s.GetProperty("publish").GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task On_unpublish_and_on_stop_fire_once_per_session_with_players_on_two_gateways()
    {
        // A second gateway: src/GatewayEdge as its own process, joining the silo as an Orleans client.
        var rtmpB = TestServers.FreeTcpPort();
        var httpB = TestServers.FreeTcpPort();
        await using var gatewayB = ExternalProcess.Start("dotnet", Path.Combine(AppContext.BaseDirectory, "OrleansLive.GatewayEdge.dll"),
            $"--Orleans:Gateways:0=127.0.0.1:{server.OrleansGatewayPort}",
            "--Gateway:ListenAddress=127.0.0.1", $"--Gateway:RtmpPort={rtmpB}", $"--Gateway:HttpPort={httpB}", "--Gateway:SrtPort=0", "--Gateway:RtcPort=0");
        using var probe = new HttpClient();
        await Wait.UntilAsync(async () => gatewayB.HasExited ? throw new InvalidOperationException(gatewayB.StdOut + gatewayB.StdErr)
            : await TestServers.IsOkAsync(probe, $"http://127.0.0.1:{httpB}/readyz"), Deadline, "the second gateway ready");

        var stream = "twogw" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream), 320, 180);
        await WaitPublishedAsync(stream, publisher);
        await using var playerA = Ffmpeg.Play(server.RtmpUrl("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(playerA.StdErr) >= 10, Deadline, "the player on the first gateway decoding");

        // The player on the second gateway is held open by an HTTP-FLV request there.
        using var http = new HttpClient { Timeout = Deadline };
        var playerB = await http.GetAsync($"http://127.0.0.1:{httpB}/live/{stream}.flv", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, playerB.StatusCode);
        var players = await Wait.ForAsync(async () =>
        {
            var clients = await server.FindClientsAsync(stream);
            // The first gateway's player, the second's HTTP-FLV player and, as it starts, the second
            // gateway's edge pull (an RTMP player of the first): wait for both kinds of player.
            var types = clients.Select(c => c.GetProperty("type").GetString()).ToList();
            var found = clients.Where(c => c.GetProperty("type").GetString() is "rtmp-play" or "flv-play").Select(c => c.GetProperty("id").GetString()!).ToList();
            return types.Contains("flv-play") && types.Contains("rtmp-play") ? found : null;
        }, Deadline, "both players in the API");
        Assert.All(players, id => Assert.Single(Backend.Where(c => c.Action == "on_play" && c.ClientId == id)));

        publisher.Kill();
        Assert.True(await playerA.WaitForExitAsync(Deadline), "the first gateway's player should end with the publisher");
        playerB.Dispose();

        // Every play session of the stream (the two players and the second gateway's edge pull from
        // the first, itself a player there) gets exactly one on_stop, and the publish one on_unpublish.
        await Wait.UntilAsync(() =>
        {
            var played = Backend.Of("on_play", stream).Select(c => c.ClientId).Distinct().ToList();
            return Backend.Of("on_unpublish", stream).Count >= 1
                && played.All(id => Backend.Where(c => c.Action == "on_stop" && c.ClientId == id).Count >= 1)
                && server.PendingNotifications == 0;
        }, Deadline, "on_unpublish and every on_stop delivered");
        Assert.Single(Backend.Of("on_unpublish", stream));
        var sessions = Backend.Of("on_play", stream).Select(c => c.ClientId).Distinct().ToList();
        Assert.Superset(players.ToHashSet(), sessions.ToHashSet());
        Assert.All(sessions, id => Assert.Single(Backend.Where(c => c.Action == "on_stop" && c.ClientId == id)));
        Assert.Equal(sessions.Count, Backend.Of("on_stop", stream).Count);
    }

    [Fact]
    public async Task Dvr_and_hls_file_events_post_on_dvr_and_on_hls()
    {
        var stream = "files" + Ids.Random(5);
        var key = StreamKey.Of(StreamKey.DefaultVhost, "live", stream);
        var lease = await server.Grains.GetGrain<IStreamGrain>(key).AcquirePublish(
            new PublishClaim("rec00001", "gw-test", "10.1.2.3", "rtmp://example.com/live", "?token=t1"));
        Assert.True(lease.Granted, lease.Reason);

        var events = server.Grains.GetGrain<IStreamHookEvents>(key);
        await events.OnDvr(new DvrHookFile($"/data/live/{stream}.1700000000000.flv", "/srv/orleanslive"));
        await events.OnHls(new HlsHookSegment($"/data/live/{stream}-7.ts", $"{stream}-7.ts", $"/data/live/{stream}.m3u8",
            $"live/{stream}.m3u8", 7, 10.01, "/srv/orleanslive"));
        await server.Grains.GetGrain<IStreamGrain>(key).ReleasePublish("rec00001");

        var dvr = await Wait.ForAsync(() => Task.FromResult(Backend.Of("on_dvr", stream).SingleOrDefault()), Deadline, "on_dvr");
        AssertFields(dvr!.Body, new()
        {
            ["action"] = "on_dvr",
            ["client_id"] = "rec00001",
            ["ip"] = "10.1.2.3",
            ["vhost"] = StreamKey.DefaultVhost,
            ["app"] = "live",
            ["stream"] = stream,
            ["tcUrl"] = "rtmp://example.com/live",
            ["param"] = "?token=t1",
            ["cwd"] = "/srv/orleanslive",
            ["file"] = $"/data/live/{stream}.1700000000000.flv",
            ["stream_url"] = $"/live/{stream}",
            ["stream_id"] = lease.StreamId,
        });
        var hls = await Wait.ForAsync(() => Task.FromResult(Backend.Of("on_hls", stream).SingleOrDefault()), Deadline, "on_hls");
        AssertFields(hls!.Body, new()
        {
            ["action"] = "on_hls",
            ["client_id"] = "rec00001",
            ["file"] = $"/data/live/{stream}-7.ts",
            ["url"] = $"{stream}-7.ts",
            ["m3u8"] = $"/data/live/{stream}.m3u8",
            ["m3u8_url"] = $"live/{stream}.m3u8",
            ["cwd"] = "/srv/orleanslive",
            ["stream_id"] = lease.StreamId,
        });
        Assert.Equal(7, hls.Body.GetProperty("seq_no").GetInt64());
        Assert.Equal(10.01, hls.Body.GetProperty("duration").GetDouble(), 3);
        await Wait.UntilAsync(() => Backend.Of("on_unpublish", stream).Count == 1, Deadline, "on_unpublish of the recorder's lease");
    }

    [Fact]
    public async Task Segments_written_by_a_real_publish_post_on_hls()
    {
        var stream = "hlshook" + Ids.Random(5);
        await using (var publisher = MediaTools.Publish(server.RtmpUrl("live", stream) + $"?vhost={HooksServerFixture.HlsVhost}", 4))
        {
            Assert.True(await publisher.WaitForExitAsync(Deadline), "publisher should finish its 4 s");
            Assert.Equal(0, publisher.ExitCode);
        }

        // One-second fragments of a 4 s publish with 2 s GOPs: the segment closed while live and the
        // last one at unpublish, each reported by the gateway's HLS writer through the stream grain.
        // (The encoder's closing end-of-sequence tag is no keyframe and cuts no segment of its own.)
        await Wait.UntilAsync(() => Backend.Of("on_hls", stream).Count >= 2, Deadline, "on_hls for each segment");
        var publish = Assert.Single(Backend.Of("on_publish", stream), c => c.Path.StartsWith("a/", StringComparison.Ordinal));
        var calls = Backend.Of("on_hls", stream).OrderBy(c => c.Body.GetProperty("seq_no").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(0, calls.Count).Select(i => (long)i), calls.Select(c => c.Body.GetProperty("seq_no").GetInt64()));
        foreach (var call in calls)
        {
            var body = call.Body;
            Assert.Equal(HooksServerFixture.HlsVhost, body.GetProperty("vhost").GetString());
            Assert.Equal(publish.ClientId, call.ClientId);
            var file = body.GetProperty("file").GetString()!;
            Assert.StartsWith(server.HlsPath, file, StringComparison.Ordinal);
            Assert.True(File.Exists(file), $"{file} should exist");
            Assert.EndsWith(body.GetProperty("url").GetString()!, file, StringComparison.Ordinal);
            // The last segment, closed at unpublish, may hold only the frames after the last keyframe.
            Assert.InRange(body.GetProperty("duration").GetDouble(), call == calls[^1] ? 0.01 : 0.5, 2.5);
        }
        Assert.Equal(4.0, calls.Sum(c => c.Body.GetProperty("duration").GetDouble()), 0.2);
    }

    [Fact]
    public async Task Srt_clients_fire_the_same_hooks_with_srt_fields()
    {
        var stream = "srthook" + Ids.Random(5);
        await using (var publisher = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p",
            "-f", "mpegts", server.SrtUrl($"#!::r=live/{stream},m=publish,token=abc")))
        {
            await WaitPublishedAsync(stream, publisher);
            var publisherId = (await server.FindClientsAsync(stream)).Single(c => c.GetProperty("publish").GetBoolean()).GetProperty("id").GetString()!;
            var tcUrl = "srt://127.0.0.1/live";
            AssertFields(Backend.Where(c => c.Action == "on_connect" && c.ClientId == publisherId).Single().Body, new()
            {
                ["client_id"] = publisherId,
                ["ip"] = "127.0.0.1",
                ["vhost"] = StreamKey.DefaultVhost,
                ["app"] = "live",
                ["tcUrl"] = tcUrl,
            });
            var publish = Backend.Of("on_publish", stream).First();
            AssertFields(publish.Body, new()
            {
                ["client_id"] = publisherId,
                ["app"] = "live",
                ["stream"] = stream,
                ["param"] = "?token=abc",
                ["tcUrl"] = tcUrl,
            });

            await using (var player = Ffmpeg.Play(server.SrtUrl($"#!::r=live/{stream},m=request")))
            {
                await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 10, Deadline, "the SRT player decoding frames");
                var playerId = (await server.FindClientsAsync(stream)).Single(c => c.GetProperty("type").GetString() == "srt-play").GetProperty("id").GetString()!;
                AssertFields(Backend.Where(c => c.Action == "on_play" && c.ClientId == playerId).Single().Body, new()
                {
                    ["client_id"] = playerId,
                    ["stream"] = stream,
                    ["tcUrl"] = tcUrl,
                });
                player.Kill();
                await Wait.UntilAsync(() => Backend.Where(c => c.Action == "on_stop" && c.ClientId == playerId).Count == 1
                    && Backend.Where(c => c.Action == "on_close" && c.ClientId == playerId).Count == 1, Deadline, "on_stop and on_close of the SRT player");
            }
            publisher.Kill();
            await Wait.UntilAsync(() => Backend.Of("on_unpublish", stream).Count == 1
                && Backend.Where(c => c.Action == "on_close" && c.ClientId == publisherId).Count == 1, Deadline, "on_unpublish and on_close of the SRT publisher");
        }
    }

    [Fact]
    public async Task Webrtc_clients_fire_the_same_hooks_with_rtc_fields()
    {
        var stream = "rtchook" + Ids.Random(5);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        // WHIP on the API port, whose basic auth does not cover signalling; the Bearer token goes to the hooks.
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", $"http://127.0.0.1:{server.ApiPort}/rtc/v1/whip/?app=live&stream={stream}&k=v", "H264", "abc");
        var published = await Wait.ForAsync(async () => (await server.FindClientsAsync(stream)).FirstOrDefault(c => c.GetProperty("type").GetString() == "rtc-publish") is { ValueKind: JsonValueKind.Object } c ? (JsonElement?)c : null, Deadline, "the WHIP publisher listed");
        var publisherId = published!.Value.GetProperty("id").GetString()!;
        var tcUrl = $"http://127.0.0.1:{server.ApiPort}/live";
        AssertFields(Backend.Where(c => c.Action == "on_connect" && c.ClientId == publisherId).Single().Body, new()
        {
            ["client_id"] = publisherId,
            ["ip"] = "127.0.0.1",
            ["app"] = "live",
            ["tcUrl"] = tcUrl,
        });
        AssertFields(Backend.Of("on_publish", stream).First().Body, new()
        {
            ["client_id"] = publisherId,
            ["stream"] = stream,
            ["param"] = "?k=v&token=abc",
        });

        // SRS's JSON API on the gateway's HTTP port plays it.
        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("playJson", $"http://127.0.0.1:{server.HttpPort}/rtc/v1/play/", $"webrtc://127.0.0.1/live/{stream}?p=1");
        await Wait.UntilAsync(async () => Rtc.WebRtcBrowserTests.Inbound(await Rtc.WebRtcBrowserTests.StatsAsync(player), "video", "frames") > 10, Deadline, "the JSON API player decoding");
        var playerId = (await server.FindClientsAsync(stream)).Single(c => c.GetProperty("type").GetString() == "rtc-play").GetProperty("id").GetString()!;
        AssertFields(Backend.Where(c => c.Action == "on_play" && c.ClientId == playerId).Single().Body, new()
        {
            ["client_id"] = playerId,
            ["stream"] = stream,
            ["param"] = "?p=1",
            ["tcUrl"] = "webrtc://127.0.0.1/live",
        });
        await player.EvaluateExpressionAsync("window.pc.close()");
        await Wait.UntilAsync(() => Backend.Where(c => c.Action == "on_stop" && c.ClientId == playerId).Count == 1
            && Backend.Where(c => c.Action == "on_close" && c.ClientId == playerId).Count == 1, Deadline, "on_stop and on_close of the WebRTC player");
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
        await Wait.UntilAsync(() => Backend.Of("on_unpublish", stream).Count == 1
            && Backend.Where(c => c.Action == "on_close" && c.ClientId == publisherId).Count == 1, Deadline, "on_unpublish and on_close of the WHIP publisher");
    }

    private async Task<JsonElement> WaitPublishedAsync(string stream, ExternalProcess publisher)
    {
        var found = await Wait.ForAsync(async () =>
        {
            if (publisher.HasExited)
            {
                throw new InvalidOperationException($"ffmpeg exited early: {publisher.StdErr}");
            }
            var s = await server.FindStreamAsync("live", stream);
            return s is { } json && json.GetProperty("publish").GetProperty("active").GetBoolean() && json.GetProperty("video").ValueKind == JsonValueKind.Object ? s : null;
        }, Deadline, $"stream {stream} published");
        return found!.Value;
    }

    private static void AssertFields(JsonElement body, Dictionary<string, string?> expected)
    {
        foreach (var (name, value) in expected)
        {
            Assert.True(body.TryGetProperty(name, out var actual), $"'{name}' missing in {body}");
            Assert.True(value == actual.GetString(), $"'{name}' is '{actual}', expected '{value}' in {body}");
        }
    }

    private static async Task<int> ReadOrZeroAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.ReadAsync(buffer, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }
}
