using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests;

/// <summary>
/// kill -9 of the server in the middle of recording: the DVR files (MP4 and FLV) and the HLS playlists (MPEG-TS and fMP4)
/// it leaves play as they are, and once it runs again the DVR API shows the files ended.
/// </summary>
public sealed class RecordingCrashTests(RestartableServer server, ITestOutputHelper output) : IClassFixture<RestartableServer>
{
    private const string Fmp4Vhost = "fmp4.crash";
    private static readonly TimeSpan Deadline = RestartableServer.Deadline;

    private string HlsRoot => Path.Combine(server.Root, "hls");

    private string DvrRoot => Path.Combine(server.Root, "dvr");

    private IReadOnlyList<string> Settings()
    {
        var settings = new List<string>();
        void Vhost(string vhost, string dvrExtension, bool fmp4)
        {
            var prefix = $"--Vhosts:{vhost}:";
            settings.AddRange([
                prefix + "Dvr:Enabled=true", prefix + "Dvr:Plan=session",
                prefix + $"Dvr:Path={Path.Combine(DvrRoot, "[vhost]", "[app]", "[stream].[timestamp]" + dvrExtension)}",
                prefix + "Hls:Enabled=true", prefix + "Hls:Fragment=1", prefix + $"Hls:Fmp4={(fmp4 ? "true" : "false")}",
                prefix + $"Hls:Path={Path.Combine(HlsRoot, vhost)}"]);
        }
        Vhost(StreamKey.DefaultVhost, ".mp4", fmp4: false);
        Vhost(Fmp4Vhost, ".flv", fmp4: true);
        return settings;
    }

    [Fact]
    public async Task Dvr_files_and_hls_playlists_left_by_a_killed_server_play_and_the_dvr_api_ends_the_files_after_restart()
    {
        await server.StartAsync(Settings());
        var mp4Stream = "crashmp4" + Ids.Random(4);
        var flvStream = "crashflv" + Ids.Random(4);
        var cases = new[] { (Vhost: StreamKey.DefaultVhost, Stream: mp4Stream, Extension: ".mp4"), (Vhost: Fmp4Vhost, Stream: flvStream, Extension: ".flv") };
        var reported = new Dictionary<string, JsonElement>();
        var publishers = cases.Select(c => MediaTools.Publish(server.Rtmp("live", c.Stream, c.Vhost == StreamKey.DefaultVhost ? null : c.Vhost), 0)).ToList();
        try
        {
            foreach (var c in cases)
            {
                var file = await Wait.ForAsync(async () => (await FilesAsync(c.Vhost, c.Stream)).SingleOrDefault(f => f.GetProperty("duration").GetDouble() >= 6) is { ValueKind: JsonValueKind.Object } f ? (object)f : null,
                    Deadline, $"{c.Extension} recording of {c.Stream} reported 6 s in");
                await Wait.UntilAsync(() => File.Exists(Playlist(c.Vhost, c.Stream)) && MediaTools.Segments(File.ReadAllText(Playlist(c.Vhost, c.Stream))).Count >= 3, Deadline, "three HLS segments");
            }
            foreach (var c in cases)
            {
                // The API's last word before the kill: duration and size as the recorder last reported them.
                reported[c.Stream] = Assert.Single(await FilesAsync(c.Vhost, c.Stream));
            }
            await server.KillAsync();
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }
        }

        foreach (var c in cases)
        {
            var entry = reported[c.Stream];
            var path = entry.GetProperty("file").GetString()!;
            Assert.EndsWith(c.Extension, path);
            Assert.False(entry.GetProperty("closed").GetBoolean());
            var probe = await MediaTools.ProbeAsync(path);
            Assert.Equal(["aac", "h264"], probe.Codecs.Order());
            var packets = await MediaTools.VideoPacketsAsync(path);
            Assert.True(packets[0].Key, $"{path} should start with a keyframe");
            var lastReported = entry.GetProperty("duration").GetDouble();
            output.WriteLine($"{path}: {new FileInfo(path).Length} bytes, video to {packets[^1].Dts:F2} s, {packets.Count} video packets; " +
                $"the API had {lastReported:F2} s, {entry.GetProperty("size").GetInt64()} bytes");
            // What was on disk at the kill: up to the last keyframe (a fragment per GOP of 2 s) for MP4, up to the last flush for FLV.
            Assert.True(packets[^1].Dts >= lastReported - 3, $"{path} holds video to {packets[^1].Dts} s, the recorder had reported {lastReported} s");

            var m3u8 = Playlist(c.Vhost, c.Stream);
            var playlist = File.ReadAllText(m3u8);
            var segments = MediaTools.Segments(playlist);
            Assert.DoesNotContain("#EXT-X-ENDLIST", playlist, StringComparison.Ordinal);
            Assert.All(segments, s => Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(m3u8)!, s.Uri)), $"{s.Uri} listed but missing"));
            Assert.DoesNotContain(segments, s => s.Uri.EndsWith(".tmp", StringComparison.Ordinal));
            var hls = await MediaTools.ProbeAsync(m3u8);
            Assert.Contains("h264", hls.Codecs);
            output.WriteLine($"{m3u8}: {segments.Count} segments, {segments.Sum(s => s.Duration):F1} s listed; probed {string.Join('+', hls.Codecs)}; " +
                $"{Directory.GetFiles(Path.GetDirectoryName(m3u8)!, "*.tmp").Length} unlisted .tmp segment left");
        }

        // Back up: the DVR grains, restored from storage, end the files once the publish leases lapse.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await server.StartAsync();
        output.WriteLine($"server serving again after {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var c in cases)
        {
            var ended = await Wait.ForAsync(async () => (await FilesAsync(c.Vhost, c.Stream)).SingleOrDefault() is { ValueKind: JsonValueKind.Object } f && f.GetProperty("closed").GetBoolean() ? (object)f : null,
                Deadline, $"the DVR API showing {c.Stream}'s file ended");
            var file = (JsonElement)ended;
            Assert.Equal(reported[c.Stream].GetProperty("file").GetString(), file.GetProperty("file").GetString());
            // The length as last stored: the grain stores a recording's progress every 5 s of media.
            Assert.InRange(file.GetProperty("duration").GetDouble(), reported[c.Stream].GetProperty("duration").GetDouble() - 5.5, reported[c.Stream].GetProperty("duration").GetDouble());
            Assert.True(file.GetProperty("duration").GetDouble() > 0, "the ended file keeps a length");
            output.WriteLine($"{c.Stream}: ended in the API {clock.Elapsed.TotalSeconds:F1} s after the restart began");
        }
        Assert.Contains("ended without its gateway", server.Process!.StdOut, StringComparison.Ordinal);
        var dvrs = await server.GetJsonAsync($"api/v1/dvrs?app=live&stream={mp4Stream}");
        Assert.False(dvrs.GetProperty("dvrs")[0].GetProperty("live").GetBoolean());
    }

    private string Playlist(string vhost, string stream) => Path.Combine(HlsRoot, vhost, "live", stream + ".m3u8");

    /// <summary>The DVR API's files of the stream.</summary>
    private async Task<List<JsonElement>> FilesAsync(string vhost, string stream)
    {
        var root = await server.GetJsonAsync($"api/v1/dvrs?vhost={vhost}&app=live&stream={stream}");
        var entry = root.GetProperty("dvrs").EnumerateArray().SingleOrDefault();
        return entry.ValueKind == JsonValueKind.Object ? entry.GetProperty("files").EnumerateArray().ToList() : [];
    }
}
