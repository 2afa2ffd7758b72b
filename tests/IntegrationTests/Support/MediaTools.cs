using System.Globalization;
using System.Text.Json;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>ffmpeg publishing a finite test pattern, and ffprobe reading what the server wrote.</summary>
public static class MediaTools
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Publishes <paramref name="seconds"/> of 320x180 25 fps H.264 (keyframe every 2 s, with
    /// B-frames) and a sine in AAC or MP3, in real time, then ends; 0 seconds publishes until killed.</summary>
    public static ExternalProcess Publish(string url, double seconds, string audioCodec = "aac")
    {
        var args = new List<string>
        {
            "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        };
        if (seconds > 0)
        {
            args.AddRange(["-t", seconds.ToString(CultureInfo.InvariantCulture)]);
        }
        args.AddRange(["-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
            "-c:a", audioCodec == "mp3" ? "libmp3lame" : "aac", "-b:a", "64k", "-f", "flv", url]);
        return ExternalProcess.Start("ffmpeg", [.. args]);
    }

    /// <summary>ffprobe's format and streams of a file or URL.</summary>
    public static async Task<Probe> ProbeAsync(string target)
    {
        var json = await RunAsync("-v", "error", "-rw_timeout", "20000000", "-show_format", "-show_streams", "-of", "json", target);
        var root = json.RootElement;
        var streams = root.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_name").GetString() ?? "").ToList();
        var format = root.GetProperty("format");
        var duration = format.TryGetProperty("duration", out var d) ? double.Parse(d.GetString()!, CultureInfo.InvariantCulture) : double.NaN;
        return new Probe(format.GetProperty("format_name").GetString() ?? "", duration, streams);
    }

    /// <summary>The video packets of a file: decode time (s) and whether each is a keyframe.</summary>
    public static async Task<List<(double Dts, bool Key)>> VideoPacketsAsync(string file)
    {
        var json = await RunAsync("-v", "error", "-select_streams", "v:0", "-show_entries", "packet=dts_time,flags", "-of", "json", file);
        return [.. json.RootElement.GetProperty("packets").EnumerateArray().Select(p =>
            (double.Parse(p.GetProperty("dts_time").GetString()!, CultureInfo.InvariantCulture), p.GetProperty("flags").GetString()!.Contains('K')))];
    }

    /// <summary>The start time (s) of each stream of a file, by kind ("video", "audio").</summary>
    public static async Task<Dictionary<string, double>> StreamStartsAsync(string file)
    {
        var json = await RunAsync("-v", "error", "-show_entries", "stream=codec_type,start_time", "-of", "json", file);
        return json.RootElement.GetProperty("streams").EnumerateArray().ToDictionary(
            s => s.GetProperty("codec_type").GetString()!, s => double.Parse(s.GetProperty("start_time").GetString()!, CultureInfo.InvariantCulture));
    }

    private static async Task<JsonDocument> RunAsync(params string[] args)
    {
        await using var probe = ExternalProcess.Start("ffprobe", args);
        if (!await probe.WaitForExitAsync(ProbeTimeout))
        {
            throw new TimeoutException($"ffprobe {string.Join(' ', args)} did not finish: {probe.StdErr}");
        }
        if (probe.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffprobe {args[^1]} failed ({probe.ExitCode}): {probe.StdErr}");
        }
        return JsonDocument.Parse(probe.StdOut);
    }

    /// <summary>Segments of a media playlist: URI, EXTINF duration, and whether a discontinuity precedes it.</summary>
    public static List<(string Uri, double Duration, bool Discontinuity)> Segments(string m3u8)
    {
        var result = new List<(string, double, bool)>();
        var lines = m3u8.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var discontinuity = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] == "#EXT-X-DISCONTINUITY")
            {
                discontinuity = true;
            }
            else if (lines[i].StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                result.Add((lines[i + 1], double.Parse(lines[i][8..].TrimEnd(','), CultureInfo.InvariantCulture), discontinuity));
                discontinuity = false;
            }
        }
        return result;
    }
}

public sealed record Probe(string Format, double Duration, List<string> Codecs);
