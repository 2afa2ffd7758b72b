using System.Text.Json;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>ffmpeg publishes; HLS is written to disk, served over HTTP and read back by ffprobe and ffmpeg.</summary>
[Collection(MediaCollection.Name)]
public sealed class HlsTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private const double FrameSeconds = 0.04;

    [Fact]
    public async Task Sixteen_seconds_of_hls_play_and_probe_with_segments_matching_the_playlist()
    {
        var stream = "hls" + Ids.Random(5);
        var key = StreamKey.Of(StreamKey.DefaultVhost, "live", stream);
        await using var events = await EventRecorder<HlsSegmentEvent>.SubscribeAsync(server.Services, LiveEventStreams.HlsNamespace, key);
        await using (var publisher = MediaTools.Publish(server.RtmpUrl("live", stream), 16))
        {
            // While live: the playlist is served and lists segments, without an end.
            var live = await Wait.ForAsync(async () =>
            {
                var text = await server.Api.GetStringAsync(server.HttpUrl($"live/{stream}.m3u8"));
                return MediaTools.Segments(text).Count >= 2 ? text : null;
            }, Deadline, "a live playlist with two segments");
            Assert.DoesNotContain("#EXT-X-ENDLIST", live);
            Assert.True(await publisher.WaitForExitAsync(Deadline), "publisher should finish its 16 s");
            Assert.Equal(0, publisher.ExitCode);
        }

        var directory = Path.Combine(server.HlsRoot(StreamKey.DefaultVhost), "live");
        var m3u8 = await Wait.ForAsync(async () =>
        {
            var text = await server.Api.GetStringAsync(server.HttpUrl($"live/{stream}.m3u8"));
            return text.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal) ? text : null;
        }, Deadline, "the playlist to end");
        Assert.Contains("#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n", m3u8);
        var segments = MediaTools.Segments(m3u8);
        Assert.Equal(8, segments.Count);
        Assert.Equal(16.0, segments.Sum(s => s.Duration), 1);

        var probe = await MediaTools.ProbeAsync(server.HttpUrl($"live/{stream}.m3u8"));
        Assert.Equal("hls", probe.Format);
        Assert.Contains("h264", probe.Codecs);
        Assert.Contains("aac", probe.Codecs);
        Assert.InRange(probe.Duration, 15.5, 16.5);

        foreach (var (uri, duration, _) in segments)
        {
            var packets = await MediaTools.VideoPacketsAsync(Path.Combine(directory, uri));
            Assert.True(packets[0].Key, $"{uri} should start with a keyframe");
            var measured = packets[^1].Dts - packets[0].Dts + FrameSeconds;
            Assert.True(Math.Abs(measured - duration) <= FrameSeconds + 0.001, $"{uri}: playlist says {duration} s, video lasts {measured} s");
        }

        // A player: ffmpeg decodes the whole playlist over HTTP.
        await using (var player = Ffmpeg.Play(server.HttpUrl($"live/{stream}.m3u8")))
        {
            Assert.True(await player.WaitForExitAsync(Deadline), "player should reach the end of the playlist");
            Assert.Equal(0, player.ExitCode);
            Assert.InRange(Ffmpeg.FramesDecoded(player.StdErr), 395, 405);
        }

        await Wait.UntilAsync(() => events.Received.Count >= 8, Deadline, "an on_hls event per segment");
        var received = events.Received.ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), received.Select(e => e.SeqNo));
        Assert.Equal(segments.Select(s => s.Uri), received.Select(e => e.Url));
        Assert.Equal(segments.Select(s => s.Duration), received.Select(e => Math.Round(e.Duration, 3)));
        Assert.All(received, e => Assert.Equal($"live/{stream}.m3u8", e.M3u8Url));
        Assert.All(received, e => Assert.Equal(Path.Combine(directory, e.Url), e.File));
        Assert.All(received, e => Assert.Equal($"/live/{stream}", e.Source.StreamUrl));

        var vhosts = await server.GetJsonAsync("api/v1/vhosts");
        var vhost = vhosts.GetProperty("vhosts").EnumerateArray().Single(v => v.GetProperty("name").GetString() == StreamKey.DefaultVhost);
        Assert.Equal("""{"enabled":true,"fragment":2}""", vhost.GetProperty("hls").GetRawText());
    }

    [Fact]
    public async Task Fmp4_hls_continues_behind_a_discontinuity_when_the_stream_is_published_again()
    {
        var stream = "cmaf" + Ids.Random(5);
        var directory = Path.Combine(server.HlsRoot(MediaFixture.Fmp4Vhost), "live");
        var url = server.HttpUrl($"live/{stream}.m3u8", MediaFixture.Fmp4Vhost);
        for (var publish = 1; publish <= 2; publish++)
        {
            await using var publisher = MediaTools.Publish(server.RtmpUrl("live", stream, MediaFixture.Fmp4Vhost), 6);
            Assert.True(await publisher.WaitForExitAsync(Deadline), "publisher should finish");
            var count = publish * 3;
            await Wait.UntilAsync(async () =>
            {
                var text = await server.Api.GetStringAsync(url);
                return text.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal) && MediaTools.Segments(text).Count == count;
            }, Deadline, $"the playlist to end with {count} segments");
        }

        var served = await server.Api.GetStringAsync(url);
        Assert.Contains($"{stream}-0.m4s?vhost={MediaFixture.Fmp4Vhost}\n", served);
        var m3u8 = await File.ReadAllTextAsync(Path.Combine(directory, stream + ".m3u8"));
        Assert.Contains("#EXT-X-VERSION:7\n", m3u8);
        var maps = m3u8.Split('\n').Where(l => l.StartsWith("#EXT-X-MAP:URI=", StringComparison.Ordinal)).ToList();
        Assert.Equal([$"#EXT-X-MAP:URI=\"{stream}-init0.mp4\"", $"#EXT-X-MAP:URI=\"{stream}-init3.mp4\""], maps);
        var segments = MediaTools.Segments(m3u8);
        Assert.Equal([false, false, false, true, false, false], segments.Select(s => s.Discontinuity));
        Assert.All(segments, s => Assert.EndsWith(".m4s", s.Uri));

        var probe = await MediaTools.ProbeAsync(url);
        Assert.Contains("h264", probe.Codecs);
        Assert.Contains("aac", probe.Codecs);
        Assert.InRange(probe.Duration, 11.5, 12.5);

        // Each segment behind its init segment is a playable fMP4 starting at a keyframe.
        var init = await File.ReadAllBytesAsync(Path.Combine(directory, $"{stream}-init0.mp4"));
        var joined = Path.Combine(server.Root, $"{stream}-joined.mp4");
        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllBytesAsync(joined, [.. init, .. await File.ReadAllBytesAsync(Path.Combine(directory, segments[i].Uri))]);
            var packets = await MediaTools.VideoPacketsAsync(joined);
            Assert.True(packets[0].Key);
            Assert.True(Math.Abs(packets[^1].Dts - packets[0].Dts + FrameSeconds - segments[i].Duration) <= FrameSeconds + 0.001);
        }
        File.Delete(joined);
    }

    [Fact]
    public async Task Live_http_ts_aac_and_mp3_probe_and_hls_is_disposed_after_the_stream_ends()
    {
        var aacStream = "remux" + Ids.Random(5);
        var mp3Stream = "remuxmp3" + Ids.Random(5);
        var vhost = MediaFixture.RemuxVhost;
        await using var aacPublisher = MediaTools.Publish(server.RtmpUrl("live", aacStream, vhost), 0);
        await using var mp3Publisher = MediaTools.Publish(server.RtmpUrl("live", mp3Stream, vhost), 0, "mp3");
        await Wait.UntilAsync(async () => (await server.FindStreamAsync("live", mp3Stream))?.GetProperty("audio").ValueKind == JsonValueKind.Object
            && (await server.FindStreamAsync("live", aacStream))?.GetProperty("audio").ValueKind == JsonValueKind.Object, Deadline, "both streams published");

        var ts = await MediaTools.ProbeAsync(server.HttpUrl($"live/{aacStream}.ts", vhost));
        Assert.Equal("mpegts", ts.Format);
        Assert.Equal(["aac", "h264"], ts.Codecs.Order());
        var aac = await MediaTools.ProbeAsync(server.HttpUrl($"live/{aacStream}.aac", vhost));
        Assert.Equal("aac", aac.Format);
        Assert.Equal(["aac"], aac.Codecs);
        var mp3 = await MediaTools.ProbeAsync(server.HttpUrl($"live/{mp3Stream}.mp3", vhost));
        Assert.Equal("mp3", mp3.Format);
        Assert.Equal(["mp3"], mp3.Codecs);
        var flv = await MediaTools.ProbeAsync(server.HttpUrl($"live/{mp3Stream}.flv", vhost));
        Assert.Equal(["h264", "mp3"], flv.Codecs.Order());

        // hls_dispose 2 s: the playlist and its segments go once the stream has been gone that long.
        var m3u8 = Path.Combine(server.HlsRoot(vhost), "live", aacStream + ".m3u8");
        await Wait.UntilAsync(() => File.Exists(m3u8), Deadline, "HLS of the remux stream");
        aacPublisher.Kill();
        await Wait.UntilAsync(() => File.ReadAllText(m3u8).Contains("#EXT-X-ENDLIST"), Deadline, "the playlist to end");
        await Wait.UntilAsync(() => !File.Exists(m3u8), Deadline, "the playlist to be disposed");
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(m3u8)!, aacStream + "*"));
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("disposed", StringComparison.Ordinal) && l.Message.Contains(aacStream, StringComparison.Ordinal));
    }
}
