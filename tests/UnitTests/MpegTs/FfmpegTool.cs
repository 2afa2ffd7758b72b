using System.Diagnostics;

namespace OrleansLive.UnitTests.MpegTs;

/// <summary>Runs ffmpeg/ffprobe for tests that check the demuxers against real streams; files live in
/// a temporary directory removed on dispose.</summary>
internal sealed class FfmpegTool : IDisposable
{
    public FfmpegTool() => Directory.CreateDirectory(Dir);

    public string Dir { get; } = Path.Combine(Path.GetTempPath(), "media-tests-" + Guid.NewGuid().ToString("N"));

    public string PathOf(string name) => Path.Combine(Dir, name);

    public static (int ExitCode, string Stdout, string Stderr) Run(string tool, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Generates a file with ffmpeg from lavfi sources; fails the test if ffmpeg does.</summary>
    public byte[] Generate(string name, params string[] args)
    {
        var path = PathOf(name);
        var (code, _, stderr) = Run("ffmpeg", ["-v", "error", "-y", .. args, path]);
        Assert.True(code == 0, stderr);
        return File.ReadAllBytes(path);
    }

    /// <summary>ffprobe's packets per stream index: (stream index, keyframe, pts in stream time base).</summary>
    public static List<(int Stream, bool Key)> Packets(string path)
    {
        var (code, stdout, stderr) = Run("ffprobe", "-v", "error", "-show_entries", "packet=stream_index,flags", "-of", "csv=p=0", path);
        Assert.True(code == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(','))
            .Select(f => (int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), f[1].StartsWith('K')))
            .ToList();
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
