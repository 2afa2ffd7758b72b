using System.Globalization;
using System.Text.Json;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// aiortc (Debian's python3-aiortc), a second WebRTC stack next to Chromium: the scripts in
/// Rtc/Peers publish a file over WHIP and play over WHEP, printing JSON lines the tests read.
/// Debian's /usr/bin/python3 is the interpreter that has aiortc, whatever python3 is first on PATH.
/// </summary>
public static class AiortcPeer
{
    private const string Python = "/usr/bin/python3";

    /// <summary>Publishes <paramref name="file"/> (video in <paramref name="videoCodec"/>, "h264" or "vp8";
    /// Opus audio) for <paramref name="seconds"/>, then DELETEs the session.</summary>
    public static ExternalProcess Publish(string url, string file, double seconds, string videoCodec = "h264") =>
        ExternalProcess.Start(Python, Script("whip_publish.py"), url, file, Seconds(seconds), videoCodec);

    /// <summary>Plays for <paramref name="seconds"/> offering only <paramref name="videoCodec"/>, counting decoded frames, then DELETEs the session.</summary>
    public static ExternalProcess Play(string url, double seconds, string videoCodec = "h264") =>
        ExternalProcess.Start(Python, Script("whep_play.py"), url, Seconds(seconds), videoCodec);

    /// <summary>Whether the script has printed a line with this connection state.</summary>
    public static bool Reached(ExternalProcess peer, string state) =>
        Lines(peer).Any(l => l.TryGetProperty("state", out var s) && s.GetString() == state);

    /// <summary>Waits for the script to end, requires exit code 0, and returns its last JSON line.</summary>
    public static async Task<JsonElement> FinishAsync(ExternalProcess peer, TimeSpan timeout)
    {
        if (!await peer.WaitForExitAsync(timeout))
        {
            throw new TimeoutException($"aiortc peer still running after {timeout}: {peer.StdOut}");
        }
        Assert.True(peer.ExitCode == 0, $"aiortc peer exited {peer.ExitCode}: {peer.StdOut}\n{peer.StdErr}");
        return Lines(peer).Last();
    }

    private static List<JsonElement> Lines(ExternalProcess peer)
    {
        var lines = new List<JsonElement>();
        foreach (var line in peer.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(line);
                lines.Add(doc.RootElement.Clone());
            }
        }
        return lines;
    }

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Rtc", "Peers", name);

    private static string Seconds(double seconds) => seconds.ToString(CultureInfo.InvariantCulture);
}

/// <summary>640x360 25 fps H.264 (baseline, no B-frames) clips for aiortc to publish, with Opus and
/// without audio, made once per test class.</summary>
public sealed class AiortcClip : IAsyncLifetime
{
    public const double Seconds = 40;

    private readonly string _dir = Directory.CreateTempSubdirectory("aiortc-clip-").FullName;

    /// <summary>Video and Opus audio.</summary>
    public string Path => System.IO.Path.Combine(_dir, "clip.mkv");

    /// <summary>The same video, no audio track.</summary>
    public string VideoOnlyPath => System.IO.Path.Combine(_dir, "video-only.mkv");

    public async Task InitializeAsync()
    {
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", Seconds.ToString(CultureInfo.InvariantCulture), "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "baseline",
            "-bf", "0", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "libopus", Path);
        await FfmpegAsync("-i", Path, "-map", "0:v", "-c", "copy", VideoOnlyPath);
    }

    private static async Task FfmpegAsync(params string[] args)
    {
        await using var ffmpeg = ExternalProcess.Start("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", .. args]);
        Assert.True(await ffmpeg.WaitForExitAsync(TimeSpan.FromSeconds(120)), "ffmpeg making a clip did not finish");
        Assert.True(ffmpeg.ExitCode == 0, $"ffmpeg making a clip failed: {ffmpeg.StdErr}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }
}
