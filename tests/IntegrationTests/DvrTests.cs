using System.Text.Json;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>ffmpeg publishes; DVR files are recorded, listed by the API and read back by ffprobe.</summary>
[Collection(MediaCollection.Name)]
public sealed class DvrTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>The API's files of one stream, once <paramref name="done"/> holds for them.</summary>
    private Task<List<JsonElement>> FilesAsync(string vhost, string stream, Func<List<JsonElement>, bool> done, string what) =>
        Wait.ForAsync(async () =>
        {
            var root = await server.GetJsonAsync($"api/v1/dvrs?vhost={vhost}&app=live&stream={stream}");
            var entry = root.GetProperty("dvrs").EnumerateArray().SingleOrDefault();
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            var files = entry.GetProperty("files").EnumerateArray().ToList();
            return done(files) ? files : null;
        }, Deadline, what);

    private static bool AllClosed(List<JsonElement> files, int count) =>
        files.Count == count && files.All(f => f.GetProperty("closed").GetBoolean());

    [Fact]
    public async Task Session_flv_and_mp4_and_segment_plan_recordings_probe_with_the_published_duration()
    {
        var flv = "flv" + Ids.Random(5);
        var mp4 = "mp4" + Ids.Random(5);
        var seg = "seg" + Ids.Random(5);
        await using var events = await EventRecorder<DvrFileEvent>.SubscribeAsync(server.Services, LiveEventStreams.DvrNamespace, StreamKey.Of(MediaFixture.FlvVhost, "live", flv));
        await using (var p1 = MediaTools.Publish(server.RtmpUrl("live", flv, MediaFixture.FlvVhost), 12))
        await using (var p2 = MediaTools.Publish(server.RtmpUrl("live", mp4, MediaFixture.Mp4Vhost), 12))
        await using (var p3 = MediaTools.Publish(server.RtmpUrl("live", seg, MediaFixture.SegmentVhost), 12))
        {
            foreach (var publisher in new[] { p1, p2, p3 })
            {
                Assert.True(await publisher.WaitForExitAsync(Deadline), "publisher should finish its 12 s");
                Assert.Equal(0, publisher.ExitCode);
            }
        }

        foreach (var (vhost, stream, extension) in new[] { (MediaFixture.FlvVhost, flv, ".flv"), (MediaFixture.Mp4Vhost, mp4, ".mp4") })
        {
            var file = Assert.Single(await FilesAsync(vhost, stream, f => AllClosed(f, 1), $"{extension} recording closed"));
            var path = file.GetProperty("file").GetString()!;
            Assert.StartsWith(Path.Combine(server.DvrRoot(vhost), vhost, "live", stream + "."), path);
            Assert.EndsWith(extension, path);
            Assert.Equal(new FileInfo(path).Length, file.GetProperty("size").GetInt64());
            Assert.InRange(file.GetProperty("duration").GetDouble(), 11.5, 12.5);
            var probe = await MediaTools.ProbeAsync(path);
            Assert.Equal(["aac", "h264"], probe.Codecs.Order());
            Assert.InRange(probe.Duration, 11.5, 12.5);
            Assert.True((await MediaTools.VideoPacketsAsync(path))[0].Key, $"{path} should start with a keyframe");
        }

        var segments = await FilesAsync(MediaFixture.SegmentVhost, seg, f => AllClosed(f, 3), "three 4 s segments closed");
        foreach (var file in segments)
        {
            var path = file.GetProperty("file").GetString()!;
            Assert.Equal("segment", file.GetProperty("plan").GetString());
            Assert.InRange((await MediaTools.ProbeAsync(path)).Duration, 3.5, 4.5);
            Assert.True((await MediaTools.VideoPacketsAsync(path))[0].Key);
        }

        await Wait.UntilAsync(() => !events.Received.IsEmpty, Deadline, "the on_dvr event");
        var evt = Assert.Single(events.Received);
        Assert.Equal((MediaFixture.FlvVhost, "live", flv), (evt.Source.Vhost, evt.Source.App, evt.Source.Stream));
        Assert.EndsWith(".flv", evt.File);
        Assert.Equal("127.0.0.1", evt.Source.Ip);
        Assert.Equal(Environment.CurrentDirectory, evt.Cwd);
        Assert.InRange(evt.Duration, 11.5, 12.5);
        Assert.Matches("^vid-[0-9a-z]{7}$", evt.Source.StreamId);
    }

    [Fact]
    public async Task A_killed_publisher_leaves_flv_and_mp4_recordings_that_probe()
    {
        var flv = "killflv" + Ids.Random(5);
        var mp4 = "killmp4" + Ids.Random(5);
        var mp4File = "";
        await using (var p1 = MediaTools.Publish(server.RtmpUrl("live", flv, MediaFixture.FlvVhost), 0))
        await using (var p2 = MediaTools.Publish(server.RtmpUrl("live", mp4, MediaFixture.Mp4Vhost), 0))
        {
            mp4File = (await FilesAsync(MediaFixture.Mp4Vhost, mp4, f => f.Count == 1, "the MP4 recording to start"))[0].GetProperty("file").GetString()!;
            // Written as it goes: the file being recorded already probes, and grows.
            await Wait.UntilAsync(async () => File.Exists(mp4File) && (await MediaTools.ProbeAsync(mp4File)).Duration >= 4, Deadline, "4 s in the live MP4 file");
            p1.Kill();
            p2.Kill();
        }

        foreach (var (vhost, stream) in new[] { (MediaFixture.FlvVhost, flv), (MediaFixture.Mp4Vhost, mp4) })
        {
            var file = Assert.Single(await FilesAsync(vhost, stream, f => AllClosed(f, 1), $"{stream} closed after the kill"));
            var path = file.GetProperty("file").GetString()!;
            var recorded = file.GetProperty("duration").GetDouble();
            Assert.True(recorded >= 4, $"{path} holds {recorded} s");
            var probe = await MediaTools.ProbeAsync(path);
            Assert.Equal(["aac", "h264"], probe.Codecs.Order());
            Assert.InRange(probe.Duration, recorded - 0.5, recorded + 0.5);
        }
        Assert.Equal(mp4File, (await FilesAsync(MediaFixture.Mp4Vhost, mp4, f => f.Count == 1, "mp4"))[0].GetProperty("file").GetString());
    }

    [Fact]
    public async Task The_api_shows_the_duration_and_size_of_a_file_being_recorded_grow()
    {
        var flv = "growflv" + Ids.Random(5);
        var mp4 = "growmp4" + Ids.Random(5);
        await using var p1 = MediaTools.Publish(server.RtmpUrl("live", flv, MediaFixture.FlvVhost), 0);
        await using var p2 = MediaTools.Publish(server.RtmpUrl("live", mp4, MediaFixture.Mp4Vhost), 0);
        foreach (var (vhost, stream) in new[] { (MediaFixture.FlvVhost, flv), (MediaFixture.Mp4Vhost, mp4) })
        {
            var first = (await FilesAsync(vhost, stream, f => f[0].GetProperty("duration").GetDouble() >= 3, $"{stream} to show 3 s"))[0];
            var start = first.GetProperty("duration").GetDouble();
            var later = (await FilesAsync(vhost, stream, f => f[0].GetProperty("duration").GetDouble() >= start + 3, $"{stream} to show 3 s more"))[0];

            Assert.All(new[] { first, later }, f => Assert.False(f.GetProperty("closed").GetBoolean()));
            // Three seconds hold at least one MP4 fragment (a GOP is 2 s).
            Assert.True(later.GetProperty("size").GetInt64() > first.GetProperty("size").GetInt64(), $"{stream}: the size grows");
            Assert.True(new FileInfo(later.GetProperty("file").GetString()!).Length >= later.GetProperty("size").GetInt64(), "no more than the file holds");
        }
    }

    [Fact]
    public async Task The_api_starts_and_stops_recording_a_live_stream()
    {
        var stream = "apidvr" + Ids.Random(5);
        await using var publisher = MediaTools.Publish(server.RtmpUrl("live", stream), 0);
        await Wait.UntilAsync(async () => (await server.FindStreamAsync("live", stream))?.GetProperty("video").ValueKind == JsonValueKind.Object, Deadline, "stream published");

        var template = Path.Combine(server.Root, "api", "[stream].[timestamp].mp4");
        using (var response = await server.Api.PostAsync($"api/v1/dvrs?app=live&stream={stream}&path={Uri.EscapeDataString(template)}", null))
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(0, body.RootElement.GetProperty("code").GetInt32());
            Assert.True(body.RootElement.GetProperty("dvr").GetProperty("recording").GetBoolean());
            Assert.Equal("api", body.RootElement.GetProperty("dvr").GetProperty("source").GetString());
        }
        var path = (await FilesAsync(StreamKey.DefaultVhost, stream, f => f.Count == 1, "the API's recording to start"))[0].GetProperty("file").GetString()!;
        await Wait.UntilAsync(async () => File.Exists(path) && (await MediaTools.ProbeAsync(path)).Duration >= 3, Deadline, "3 s recorded");

        using (var response = await server.Api.DeleteAsync($"api/v1/dvrs?app=live&stream={stream}"))
        {
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.False(body.RootElement.GetProperty("dvr").GetProperty("recording").GetBoolean());
        }
        var file = Assert.Single(await FilesAsync(StreamKey.DefaultVhost, stream, f => AllClosed(f, 1), "the API's recording to close"));
        Assert.Equal(path, file.GetProperty("file").GetString());
        var recorded = file.GetProperty("duration").GetDouble();
        Assert.InRange((await MediaTools.ProbeAsync(path)).Duration, recorded - 0.5, recorded + 0.5);
        Assert.False(publisher.HasExited);
    }
}
