using System.Text.Json;
using System.Text.RegularExpressions;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>The ffmpeg and ffprobe command lines users run against the server.</summary>
public static partial class Ffmpeg
{
    /// <summary>Publishes an endless 640x360 H.264 + AAC test pattern in real time, a keyframe every <paramref name="gop"/> frames (25 a second).</summary>
    public static ExternalProcess Publish(string url, int width = 640, int height = 360, int gop = 50) => ExternalProcess.Start("ffmpeg",
        "-hide_banner", "-loglevel", "warning", "-nostdin",
        "-re", "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate=25",
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        "-c:v", "libx264", "-preset", "veryfast", "-g", gop.ToString(System.Globalization.CultureInfo.InvariantCulture), "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-b:a", "64k",
        "-f", "flv", url);

    /// <summary>Plays a URL into the null muxer, counting decoded frames; seconds = 0 plays until the stream ends.</summary>
    public static ExternalProcess Play(string url, double seconds = 0)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "info", "-rw_timeout", "30000000", "-i", url };
        if (seconds > 0)
        {
            args.AddRange(["-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        args.AddRange(["-f", "null", "-"]);
        return ExternalProcess.Start("ffmpeg", [.. args]);
    }

    /// <summary>Runs ffprobe on a URL and returns its streams as JSON.</summary>
    public static async Task<JsonElement[]> ProbeStreamsAsync(string url, TimeSpan timeout)
    {
        await using var probe = ExternalProcess.Start("ffprobe", "-v", "error", "-rw_timeout", "20000000", "-show_streams", "-of", "json", url);
        if (!await probe.WaitForExitAsync(timeout))
        {
            throw new TimeoutException($"ffprobe {url} did not finish in {timeout}: {probe.StdErr}");
        }
        if (probe.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffprobe {url} failed ({probe.ExitCode}): {probe.StdErr}");
        }
        using var doc = JsonDocument.Parse(probe.StdOut);
        return [.. doc.RootElement.GetProperty("streams").EnumerateArray().Select(s => s.Clone())];
    }

    /// <summary>The last "frame=N" progress count ffmpeg printed.</summary>
    public static int FramesDecoded(string stderr)
    {
        var matches = FrameCount().Matches(stderr);
        return matches.Count == 0 ? 0 : int.Parse(matches[^1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"frame=\s*(\d+)")]
    private static partial Regex FrameCount();
}
