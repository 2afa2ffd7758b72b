using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>HLS and DVR when the disk fills up under a live stream.</summary>
[Collection(MediaCollection.Name)]
public sealed class MediaBadInputTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private async Task<List<JsonElement>> DvrFilesAsync(string vhost, string stream)
    {
        var root = await server.GetJsonAsync($"api/v1/dvrs?vhost={vhost}&app=live&stream={stream}");
        var entry = root.GetProperty("dvrs").EnumerateArray().SingleOrDefault();
        return entry.ValueKind == JsonValueKind.Object ? [.. entry.GetProperty("files").EnumerateArray()] : [];
    }

    [Fact]
    public async Task A_full_disk_is_logged_leaves_the_playlist_and_existing_files_intact_and_writing_resumes()
    {
        var stream = "full" + Ids.Random(5);
        var vhost = MediaFixture.FullVhost;
        var directory = Path.Combine(server.HlsRoot(vhost), "live");
        var m3u8 = Path.Combine(directory, stream + ".m3u8");
        await using var publisher = MediaTools.Publish(server.RtmpUrl("live", stream, vhost), 0);
        await Wait.UntilAsync(() => File.Exists(m3u8) && MediaTools.Segments(File.ReadAllText(m3u8)).Count >= 2, Deadline, "two HLS segments");
        var dvrFile = (await Wait.ForAsync(async () => (await DvrFilesAsync(vhost, stream)).SingleOrDefault().ValueKind == JsonValueKind.Object
            ? await DvrFilesAsync(vhost, stream) : null, Deadline, "the DVR file"))[0].GetProperty("file").GetString()!;

        server.FileSystem.Full = true;
        string playlist;
        Dictionary<string, byte[]> segments;
        try
        {
            playlist = File.ReadAllText(m3u8);
            segments = MediaTools.Segments(playlist).ToDictionary(s => s.Uri, s => File.ReadAllBytes(Path.Combine(directory, s.Uri)));
            bool Logged(string what) => server.Logs.Lines.Any(l => l.Level == LogLevel.Error && l.Message.StartsWith(what, StringComparison.Ordinal) && l.Message.Contains(stream, StringComparison.Ordinal));
            await Wait.UntilAsync(() => Logged("HLS") && Logged("DVR"), Deadline, "HLS and DVR to log the failure");
            await Wait.UntilAsync(async () => (await DvrFilesAsync(vhost, stream)).All(f => f.GetProperty("closed").GetBoolean()), Deadline, "the DVR file closed with what it holds");

            // No crash: the stream still plays, and nothing on disk changed.
            var live = await MediaTools.ProbeAsync(server.HttpUrl($"live/{stream}.flv", vhost));
            Assert.Contains("h264", live.Codecs);
            Assert.False(publisher.HasExited);
            Assert.Equal(playlist, File.ReadAllText(m3u8));
            Assert.All(segments, s => Assert.Equal(s.Value, File.ReadAllBytes(Path.Combine(directory, s.Key))));
            Assert.Empty(Directory.EnumerateFiles(directory, "*.tmp"));
            Assert.Contains("h264", (await MediaTools.ProbeAsync(dvrFile)).Codecs);
        }
        finally
        {
            server.FileSystem.Full = false;
        }

        // Space again: new segments follow a discontinuity, and a new DVR file starts.
        await Wait.UntilAsync(() => MediaTools.Segments(File.ReadAllText(m3u8)).Skip(segments.Count).Any(s => s.Discontinuity), Deadline, "HLS writing again");
        Assert.StartsWith(playlist.TrimEnd('\n'), File.ReadAllText(m3u8));
        await Wait.UntilAsync(async () => (await DvrFilesAsync(vhost, stream)).Count == 2, Deadline, "a new DVR file");
        publisher.Kill();
    }
}
