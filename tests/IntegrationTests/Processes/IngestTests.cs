using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Processes;

/// <summary>Ingest (SRS `ingest { }`) and exec (SRS `exec { }`) on the real server: supervised ffmpeg and
/// shell processes, their state in the API, restarts with backoff for a source that does not exist.</summary>
public sealed class IngestTests(IngestServer server) : IClassFixture<IngestServer>
{
    private static readonly TimeSpan Deadline = ServerProcess.Deadline;

    private async Task<JsonElement?> FindProcessAsync(string resource, string id, string? stream = null)
    {
        var list = (await server.GetJsonAsync("api/v1/" + resource)).GetProperty(resource).EnumerateArray();
        return list.Where(p => p.GetProperty("id").GetString() == id && (stream is null || p.GetProperty("stream").GetString() == stream))
            .Select(p => (JsonElement?)p).FirstOrDefault();
    }

    [Fact]
    public async Task A_file_ingest_is_pushed_into_its_stream_and_plays_over_rtmp_and_http_flv()
    {
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", "ingested") is { } s
            && s.GetProperty("video").ValueKind == JsonValueKind.Object, Deadline, "the ingested stream with video");

        foreach (var url in new[] { server.Rtmp("live", "ingested"), server.Flv("live", "ingested") })
        {
            var streams = await Ffmpeg.ProbeStreamsAsync(url, Deadline);
            var video = Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "video");
            Assert.Equal("h264", video.GetProperty("codec_name").GetString());
            Assert.Equal(320, video.GetProperty("width").GetInt32());
            Assert.Equal(240, video.GetProperty("height").GetInt32());
            Assert.Equal("aac", Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "audio").GetProperty("codec_name").GetString());
        }

        var ingest = await FindProcessAsync("ingests", "clip") ?? throw new InvalidOperationException("ingest clip not in the API");
        Assert.Equal(ProcessStates.Running, ingest.GetProperty("state").GetString());
        Assert.Equal("live", ingest.GetProperty("app").GetString());
        Assert.Equal("ingested", ingest.GetProperty("stream").GetString());
        Assert.True(ingest.GetProperty("pid").GetInt32() > 0);
        Assert.Equal(0, ingest.GetProperty("restarts").GetInt32());
        var command = ingest.GetProperty("command").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Equal(["-re", "-stream_loop", "-1", "-i", server.SourceFile], command.SkipWhile(a => a != "-re").Take(5));
        Assert.Equal($"rtmp://127.0.0.1:{server.RtmpPort}/live/ingested?vhost=__defaultVhost__", command[^1]);

        // The stream's entry carries its ingest.
        var stream = await server.FindStreamAsync("live", "ingested") ?? throw new InvalidOperationException("stream gone");
        Assert.Equal("clip", Assert.Single(stream.GetProperty("processes").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_console_lists_the_processes_and_the_stream_card_its_ingest()
    {
        await Wait.UntilAsync(async () => await FindProcessAsync("ingests", "clip") is { } p && p.GetProperty("state").GetString() == ProcessStates.Running,
            Deadline, "the clip ingest running");
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.OpenAsync($"http://127.0.0.1:{server.ApiPort}/console/#processes");
        static string Text(string selector) => $"document.querySelector(\"{selector}\")?.textContent ?? ''";

        await Wait.UntilAsync(async () => (await page.EvaluateExpressionAsync<string>(Text("tr[data-process='ingest:clip']"))).Contains("running", StringComparison.Ordinal),
            Deadline, "the clip ingest listed as running");
        Assert.Contains("live/ingested", await page.EvaluateExpressionAsync<string>(Text("tr[data-process='ingest:clip']")), StringComparison.Ordinal);
        // The ingest of a file that does not exist shows its restarts and stderr.
        await Wait.UntilAsync(async () => (await page.EvaluateExpressionAsync<string>(Text("tr[data-process='ingest:missing'] + tr.detail"))).Contains("No such file", StringComparison.Ordinal),
            Deadline, "the missing ingest's stderr");

        await page.EvaluateExpressionAsync("location.hash = '#streams'");
        await Wait.UntilAsync(async () => (await page.EvaluateExpressionAsync<string>(Text("article.stream-card[data-stream='live/ingested'] [data-process='ingest:clip']"))).Contains("running", StringComparison.Ordinal),
            Deadline, "the stream card with its ingest");
    }

    [Fact]
    public async Task An_ingest_of_a_missing_file_backs_off_with_restarts_and_stderr_while_others_play()
    {
        var missing = (await Wait.ForAsync<JsonElement?>(async () => await FindProcessAsync("ingests", "missing") is { } p && p.GetProperty("restarts").GetInt32() >= 2 ? p : null,
            Deadline, "the missing ingest restarted twice")) ?? default;
        var stderr = string.Join('\n', missing.GetProperty("stderr").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains("No such file or directory", stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, missing.GetProperty("last_exit_code").GetInt32());
        Assert.Equal("missing", missing.GetProperty("stream").GetString());
        Assert.Null(await server.FindStreamAsync("live", "missing"));
        await Wait.UntilAsync(() => server.Logged("ingest missing exited with code"), Deadline, "the failure logged");

        // The other ingest is not affected.
        var streams = await Ffmpeg.ProbeStreamsAsync(server.Rtmp("live", "ingested"), Deadline);
        Assert.Contains(streams, s => s.GetProperty("codec_name").GetString() == "h264");
        Assert.Equal(0, (await FindProcessAsync("ingests", "clip"))?.GetProperty("restarts").GetInt32());
    }

    [Fact]
    public async Task An_ingest_that_hangs_without_media_is_ended_and_started_again()
    {
        var hung = (await Wait.ForAsync<JsonElement?>(async () => await FindProcessAsync("ingests", "hung") is { } p && p.GetProperty("restarts").GetInt32() >= 1 ? p : null,
            Deadline, "the hung ingest restarted")) ?? default;
        Assert.Contains(hung.GetProperty("stderr").EnumerateArray(), l => l.GetString() == "no media reached __defaultVhost__/live/hung for 3 s");
        await Wait.UntilAsync(() => server.Logged("ingest hung ended: no media reached"), Deadline, "the stall logged");
        Assert.Equal(0, (await FindProcessAsync("ingests", "clip"))?.GetProperty("restarts").GetInt32());
    }

    [Fact]
    public async Task Exec_runs_with_the_stream_variables_while_published_and_is_ended_on_unpublish()
    {
        var stream = "ex" + Ids.Random(5);
        var marker = server.MarkerOf(stream);
        await using (var publisher = Ffmpeg.Publish(server.Rtmp("live", stream + "?vhost=" + IngestServer.ExecVhost), 320, 240))
        {
            await Wait.UntilAsync(() => File.Exists(marker) && File.ReadAllText(marker).StartsWith("live ", StringComparison.Ordinal), Deadline, "the exec marker written");
            var exec = (await Wait.ForAsync<JsonElement?>(() => FindProcessAsync("execs", "publish-0", stream), Deadline, "the exec in the API")) ?? default;
            Assert.Equal(ProcessStates.Running, exec.GetProperty("state").GetString());
            Assert.Equal(IngestServer.ExecVhost, exec.GetProperty("vhost").GetString());
            var pid = exec.GetProperty("pid").GetInt32();
            Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(marker).Split(' ')[1].Trim());
            publisher.Kill();
        }

        // Unpublish sends SIGTERM: the script's trap removes its marker, and the process leaves the API.
        await Wait.UntilAsync(() => !File.Exists(marker), Deadline, "the exec ended with its marker removed");
        await Wait.UntilAsync(async () => await FindProcessAsync("execs", "publish-0", stream) is null, Deadline, "the exec gone from the API");
    }
}
