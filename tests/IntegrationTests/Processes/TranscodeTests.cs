using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using PuppeteerSharp;

namespace OrleansLive.IntegrationTests.Processes;

/// <summary>Transcode (SRS `transcode { engine }`) on the real server: a 640x360 publish gets a 320x180
/// rendition from a supervised ffmpeg, keyframe-aligned, listed with the source in an HLS master
/// playlist and a DASH MPD; the engine ends with the source and follows reloads. An engine ffmpeg
/// refuses backs off beside a good one; hls.js drops to a lower rendition when the bandwidth is capped.</summary>
public sealed class TranscodeTests(TranscodeServer server) : IClassFixture<TranscodeServer>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private async Task<JsonElement?> EngineOfAsync(string stream, string engine = "480")
    {
        var list = (await server.GetJsonAsync("api/v1/transcodes")).GetProperty("transcodes").EnumerateArray();
        return list.Where(p => p.GetProperty("id").GetString() == engine && p.GetProperty("stream").GetString() == stream)
            .Select(p => (JsonElement?)p).FirstOrDefault();
    }

    private async Task<string?> GetTextAsync(string path)
    {
        using var response = await server.Http.GetAsync(server.HttpUrl(path));
        return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
    }

    private static async Task<JsonDocument> ProbeAsync(params string[] args)
    {
        await using var probe = ExternalProcess.Start("ffprobe", ["-v", "error", "-rw_timeout", "15000000", .. args]);
        Assert.True(await probe.WaitForExitAsync(Deadline), "ffprobe finished");
        Assert.True(probe.ExitCode == 0, $"ffprobe {args[^1]}: {probe.StdErr}");
        return JsonDocument.Parse(probe.StdOut);
    }

    /// <summary>The presentation time of a segment's first video packet.</summary>
    private static async Task<double> FirstVideoPtsAsync(string file)
    {
        using var json = await ProbeAsync("-select_streams", "v:0", "-read_intervals", "%+#1", "-show_entries", "packet=pts_time", "-of", "json", file);
        return double.Parse(json.RootElement.GetProperty("packets")[0].GetProperty("pts_time").GetString()!, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_publish_gets_an_aligned_rendition_and_a_master_playlist_and_its_engine_ends_with_it()
    {
        var stream = "tc" + Ids.Random(5);
        int pid;
        await using (var publisher = Ffmpeg.Publish(server.Rtmp("live", stream), 640, 360))
        {
            var engine = (await Wait.ForAsync<JsonElement?>(async () => await EngineOfAsync(stream) is { } e && e.GetProperty("state").GetString() == ProcessStates.Running ? e : null,
                Deadline, "the engine running")) ?? default;
            pid = engine.GetProperty("pid").GetInt32();
            var command = engine.GetProperty("command").EnumerateArray().Select(a => a.GetString()).ToList();
            Assert.Equal(["-copyts", "-i", server.Rtmp("live", stream)], command.Skip(5).Take(3));
            Assert.Equal(server.Rtmp("live", stream + "_480") + "?vhost=__defaultVhost__", command[^1]);

            var streams = await Ffmpeg.ProbeStreamsAsync(server.Rtmp("live", stream + "_480"), Deadline);
            var video = Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "video");
            Assert.Equal(("h264", 320, 180), (video.GetProperty("codec_name").GetString(), video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32()));
            Assert.Contains(streams, s => s.GetProperty("codec_name").GetString() == "aac");
            var source = await server.FindStreamAsync("live", stream) ?? throw new InvalidOperationException("source not listed");
            Assert.Equal("480", Assert.Single(source.GetProperty("processes").EnumerateArray()).GetProperty("id").GetString());

            // The master playlist lists the source and the rendition once both have segments.
            var master = await Wait.ForAsync(async () => await GetTextAsync($"live/{stream}_abr.m3u8") is { } text
                && text.Contains($"{stream}_480.m3u8", StringComparison.Ordinal) ? text : null, Deadline, "a master playlist with the rendition");
            Assert.StartsWith("#EXTM3U\n", master);
            Assert.Contains($"RESOLUTION=640x360,CODECS=\"avc1.64001E,mp4a.40.2\"\n{stream}.m3u8\n", master);
            Assert.Matches($"#EXT-X-STREAM-INF:BANDWIDTH=\\d+,AVERAGE-BANDWIDTH=\\d+,RESOLUTION=320x180,CODECS=\"avc1\\.[0-9A-F]{{6}},mp4a\\.40\\.2\"\n{stream}_480\\.m3u8\n", master);

            // ffprobe reads it as one program per variant.
            using (var probe = await ProbeAsync("-show_programs", "-of", "json", server.HttpUrl($"live/{stream}_abr.m3u8")))
            {
                var sizes = probe.RootElement.GetProperty("programs").EnumerateArray()
                    .Select(p => p.GetProperty("streams").EnumerateArray().Where(s => s.GetProperty("codec_type").GetString() == "video")
                        .Select(s => s.GetProperty("height").GetInt32()).Single())
                    .Order().ToList();
                Assert.Equal([180, 360], sizes);
            }

            // Keyframe-aligned: each rendition segment starts at the picture a source segment starts at.
            var sourceSegments = MediaTools.Segments(await GetTextAsync($"live/{stream}.m3u8") ?? "");
            var renditionSegments = MediaTools.Segments(await GetTextAsync($"live/{stream}_480.m3u8") ?? "");
            var directory = Path.Combine(server.HlsPath, "live");
            var sourceStarts = new List<double>();
            foreach (var (uri, _, _) in sourceSegments)
            {
                sourceStarts.Add(await FirstVideoPtsAsync(Path.Combine(directory, uri)));
            }
            foreach (var (uri, _, _) in renditionSegments.TakeLast(2))
            {
                var start = await FirstVideoPtsAsync(Path.Combine(directory, uri));
                Assert.Contains(sourceStarts, s => Math.Abs(s - start) < 0.002);
            }
            publisher.Kill();
        }

        // The source left: its engine is ended and leaves the API.
        await Wait.UntilAsync(async () => await EngineOfAsync(stream) is null, Deadline, "the engine gone from the API");
        await Wait.UntilAsync(() => !Directory.Exists($"/proc/{pid}"), Deadline, "the engine's ffmpeg ended");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream + "_480") is null, Deadline, "the rendition unpublished");
    }

    [Fact]
    public async Task Reload_stops_a_removed_engine_of_a_live_stream_and_starts_it_again_when_added()
    {
        var stream = "rl" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.Rtmp("live", stream) + "?vhost=" + TranscodeServer.ReloadVhost, 320, 240);
        var first = (await Wait.ForAsync<JsonElement?>(async () => await EngineOfAsync(stream) is { } e && e.GetProperty("pid").GetInt32() > 0 ? e : null,
            Deadline, "the engine running")) ?? default;
        Assert.Equal(TranscodeServer.ReloadVhost, first.GetProperty("vhost").GetString());
        var pid = first.GetProperty("pid").GetInt32();
        try
        {
            await server.ReloadAsync(null);
            await Wait.UntilAsync(async () => await EngineOfAsync(stream) is null, Deadline, "the removed engine gone from the API");
            await Wait.UntilAsync(() => !Directory.Exists($"/proc/{pid}"), Deadline, "the removed engine's ffmpeg ended");
            Assert.NotNull(await server.FindStreamAsync("live", stream));
        }
        finally
        {
            await server.ReloadAsync(TranscodeServer.Engine480());
        }
        await Wait.UntilAsync(async () => await EngineOfAsync(stream) is { } e && e.GetProperty("pid").GetInt32() is > 0 and var again && again != pid,
            Deadline, "the engine added back running");
    }

    [Fact]
    public async Task The_dash_mpd_over_the_renditions_probes_as_two_videos_and_dash_js_plays_both()
    {
        XNamespace mpd = "urn:mpeg:dash:schema:mpd:2011";
        var stream = "dj" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.Rtmp("live", stream), 640, 360);
        // dash.js starts a few segments behind the live edge: wait for three in each video representation.
        // Chromium starts meanwhile.
        var url = server.HttpUrl($"live/{stream}_abr.mpd?vhost=__defaultVhost__");
        var ready = Wait.ForAsync(async () => await GetTextAsync($"live/{stream}_abr.mpd?vhost=__defaultVhost__") is { } text
            && XDocument.Parse(text).Root is { } r && r.Descendants(mpd + "Representation").Count(v => ((string?)v.Attribute("id"))?.StartsWith("video", StringComparison.Ordinal) == true
                && v.Descendants(mpd + "S").Count() >= 3) == 2 ? r : null, Deadline, "an MPD with both renditions");
        await using var browser = await HeadlessChromium.LaunchAsync();
        var root = await ready;
        var sets = root.Descendants(mpd + "AdaptationSet").ToList();
        Assert.Equal(["video", "audio"], sets.Select(s => (string?)s.Attribute("contentType")));
        var videos = sets[0].Elements(mpd + "Representation").ToList();
        Assert.Equal(["video", "video_480"], videos.Select(v => (string?)v.Attribute("id")));
        Assert.Equal(["360", "180"], videos.Select(v => (string?)v.Attribute("height")));
        Assert.All(videos, v => Assert.Matches("^avc1\\.[0-9A-F]{6}$", (string?)v.Attribute("codecs")));
        // Measured from the segment files, so more than the placeholder of an unknown bitrate.
        Assert.All(videos, v => Assert.True(long.Parse((string)v.Attribute("bandwidth")!, CultureInfo.InvariantCulture) > 10_000));
        Assert.Equal($"{stream}_480-video-$Number$.m4s?vhost=__defaultVhost__", (string?)videos[1].Element(mpd + "SegmentTemplate")!.Attribute("media"));

        // ffprobe reads every representation as a stream.
        using (var probe = await ProbeAsync("-show_streams", "-of", "json", url))
        {
            var probed = probe.RootElement.GetProperty("streams").EnumerateArray().Where(s => s.GetProperty("codec_type").GetString() == "video")
                .Select(s => s.GetProperty("height").GetInt32()).Order().ToList();
            Assert.Equal([180, 360], probed);
        }

        // The players page of the console brings the vendored dash.js.
        var page = await browser.OpenAsync($"http://127.0.0.1:{server.ApiPort}/players/");
        var heights = await page.EvaluateFunctionAsync<int[]>("""
            async url => {
              const video = document.createElement('video');
              video.muted = true;
              document.body.appendChild(video);
              const player = dashjs.MediaPlayer().create();
              player.updateSettings({ streaming: { abr: { autoSwitchBitrate: { video: false } } } });
              window.abr = { player, video };
              await new Promise((resolve, reject) => {
                player.on(dashjs.MediaPlayer.events.STREAM_INITIALIZED, resolve);
                player.on(dashjs.MediaPlayer.events.ERROR, e => reject(new Error(JSON.stringify(e.error))));
                player.initialize(video, url, true);
              });
              return player.getRepresentationsByType('video').map(r => r.height);
            }
            """, url);
        Assert.Equal([180, 360], heights.Order());

        async Task PlaysAtAsync(int height)
        {
            await page.EvaluateFunctionAsync("h => abr.player.setRepresentationForTypeByIndex('video', abr.player.getRepresentationsByType('video').findIndex(r => r.height === h), true)", height);
            await Wait.UntilAsync(async () => await page.EvaluateExpressionAsync<int>("abr.video.videoHeight") == height, Deadline, $"the video at {height} lines");
            var time = await page.EvaluateExpressionAsync<double>("abr.video.currentTime");
            await Wait.UntilAsync(async () => await page.EvaluateExpressionAsync<double>("abr.video.currentTime") > time + 1, Deadline, $"playback advancing at {height} lines");
        }
        await PlaysAtAsync(180);
        await PlaysAtAsync(360);
    }

    [Fact]
    public async Task An_engine_whose_options_ffmpeg_refuses_backs_off_while_the_source_and_the_good_engine_play()
    {
        var stream = "bd" + Ids.Random(5);
        var query = "?vhost=" + TranscodeServer.BadVhost;
        await using var publisher = Ffmpeg.Publish(server.Rtmp("live", stream) + query, 320, 240);

        // The configuration takes any ExtraArgs; ffmpeg refuses the option and exits at once, again and again.
        var bad = (await Wait.ForAsync<JsonElement?>(async () => await EngineOfAsync(stream, "bad") is { } e && e.GetProperty("restarts").GetInt32() >= 2
            && e.GetProperty("last_exit_code") is { ValueKind: JsonValueKind.Number } code && code.GetInt32() != 0 ? e : null,
            Deadline, "the bad engine restarted twice")) ?? default;
        Assert.Contains(bad.GetProperty("state").GetString(), (string[])[ProcessStates.Backoff, ProcessStates.Running]);
        Assert.Contains(bad.GetProperty("stderr").EnumerateArray(), l => l.GetString()!.Contains("Unrecognized option '" + TranscodeServer.BadOption[1..] + "'", StringComparison.Ordinal));
        Assert.Contains(TranscodeServer.BadOption, bad.GetProperty("command").EnumerateArray().Select(a => a.GetString()));

        // Each failure is logged with the delay before the next start: 1 s, then 2 s (doubling, at most 30 s).
        foreach (var (delay, failure) in ((int, int)[])[(1, 1), (2, 2)])
        {
            Assert.Contains(server.LogLines, l => l.Contains("transcode bad exited with code ", StringComparison.Ordinal)
                && l.Contains($", restarting in {delay} s (failure {failure} in a row, stream {TranscodeServer.BadVhost}/live/{stream})", StringComparison.Ordinal));
        }

        // Nothing else is affected: the source and the good engine's rendition play, the good engine never restarted.
        var good = await EngineOfAsync(stream) ?? throw new InvalidOperationException("the good engine not listed");
        Assert.Equal((ProcessStates.Running, 0), (good.GetProperty("state").GetString(), good.GetProperty("restarts").GetInt32()));
        foreach (var (name, height) in ((string, int)[])[(stream, 240), (stream + "_480", 180)])
        {
            var streams = await Ffmpeg.ProbeStreamsAsync(server.Rtmp("live", name) + query, Deadline);
            Assert.Equal(height, Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "video").GetProperty("height").GetInt32());
        }
        var master = await Wait.ForAsync(async () => await GetTextAsync($"live/{stream}_abr.m3u8{query}") is { } text
            && text.Contains($"{stream}_480.m3u8", StringComparison.Ordinal) ? text : null, Deadline, "a master playlist with the good rendition");
        Assert.DoesNotContain("_bad.m3u8", master);
    }

    [Fact]
    public async Task Hls_js_drops_to_a_lower_rendition_when_the_bandwidth_is_capped_and_climbs_back_when_the_cap_is_lifted()
    {
        var stream = "bw" + Ids.Random(5);
        var query = "?vhost=" + TranscodeServer.AbrVhost;
        await using var publisher = Ffmpeg.Publish(server.Rtmp("live", stream) + query, 640, 360);
        // hls.js starts at the source, three target durations behind its live edge; the master lists a
        // rendition once it has a segment. Chromium starts meanwhile.
        var ready = Wait.UntilAsync(async () => await GetTextAsync($"live/{stream}_abr.m3u8{query}") is { } master
            && master.Contains("_180.m3u8", StringComparison.Ordinal) && master.Contains("_270.m3u8", StringComparison.Ordinal)
            && MediaTools.Segments(await GetTextAsync($"live/{stream}.m3u8{query}") ?? "").Count >= 3, Deadline, "the source with three segments and both renditions");
        await using var browser = await HeadlessChromium.LaunchAsync();
        await ready;
        var page = await browser.OpenAsync($"http://127.0.0.1:{server.ApiPort}/players/");
        // A high first estimate starts at the top; short EWMA half-lives make the estimate follow the network quickly.
        var bitrates = await page.EvaluateFunctionAsync<long[]>("""
            async url => {
              const video = document.createElement('video');
              video.muted = true;
              document.body.appendChild(video);
              const hls = new Hls({ abrEwmaDefaultEstimate: 50e6, abrEwmaFastLive: 1, abrEwmaSlowLive: 2 });
              window.abr = { hls, video, switched: [] };
              hls.on(Hls.Events.LEVEL_SWITCHED, (_, data) => abr.switched.push(hls.levels[data.level].height));
              hls.loadSource(url);
              hls.attachMedia(video);
              await new Promise((resolve, reject) => {
                hls.on(Hls.Events.MANIFEST_PARSED, resolve);
                hls.on(Hls.Events.ERROR, (_, data) => data.fatal && reject(new Error(data.details)));
              });
              video.play();
              return hls.levels.map(level => level.bitrate);
            }
            """, server.HttpUrl($"live/{stream}_abr.m3u8{query}"));
        var heights = await page.EvaluateExpressionAsync<int[]>("abr.hls.levels.map(l => l.height)");
        Assert.Equal([180, 270, 360], heights);

        async Task PlaysAsync(Func<int, bool> height, string what)
        {
            await Wait.UntilAsync(async () => height(await page.EvaluateExpressionAsync<int>("abr.video.videoHeight")), Deadline, what);
            var time = await page.EvaluateExpressionAsync<double>("abr.video.currentTime");
            await Wait.UntilAsync(async () => await page.EvaluateExpressionAsync<double>("abr.video.currentTime") > time + 1, Deadline, "playback advancing: " + what);
        }
        await PlaysAsync(h => h == 360, "the source played first");

        // Cap the page's network at 1.5 times the lowest rendition's peak: below the source's bitrate.
        var cap = bitrates[0] * 3 / 2;
        Assert.True(cap < bitrates[^1], $"cap {cap} b/s under the source's {bitrates[^1]} b/s");
        await page.EmulateNetworkConditionsAsync(new NetworkConditions { Download = cap / 8.0, Upload = cap / 8.0, Latency = 0 });
        await PlaysAsync(h => h is > 0 and < 360, "a lower rendition under the cap");
        Assert.Contains(await page.EvaluateExpressionAsync<int[]>("abr.switched"), h => h < 360);

        await page.EmulateNetworkConditionsAsync(null);
        await PlaysAsync(h => h == 360, "the source again once the cap is lifted");
    }
}
