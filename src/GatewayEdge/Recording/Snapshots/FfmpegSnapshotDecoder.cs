using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using OrleansLive.GatewayEdge.Processes;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Recording.Snapshots;

/// <summary>
/// A short-lived ffmpeg per snapshot: the keyframe goes in on stdin, one JPEG comes out on stdout.
/// Killed when it takes longer than <see cref="Timeout"/> (a hung or stuck decoder) or the publish ends;
/// its stdout and stderr are bounded, so a flooding process costs little.
/// </summary>
public sealed class FfmpegSnapshotDecoder : ISnapshotDecoder
{
    /// <summary>Longest a decode may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Largest JPEG taken (an 8K picture at high quality fits).</summary>
    public const int MaxJpegBytes = 16 * 1024 * 1024;

    /// <summary>ffmpeg's arguments after the binary: raw H.264/HEVC in, one MJPEG picture out, scaled to
    /// the width with the height keeping the aspect ratio (rounded to even) when one is set.</summary>
    public static IReadOnlyList<string> Arguments(VideoCodecId codec, int width)
    {
        var args = new List<string>
        {
            "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1",
            "-f", codec == VideoCodecId.H265 ? "hevc" : "h264", "-i", "pipe:0",
            "-frames:v", "1", "-an", "-sn",
        };
        if (width > 0)
        {
            args.AddRange(["-vf", "scale=" + width.ToString(CultureInfo.InvariantCulture) + ":-2"]);
        }
        args.AddRange(["-f", "image2", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"]);
        return args;
    }

    public async Task<byte[]> DecodeAsync(byte[] keyframe, VideoCodecId codec, SnapshotSettings settings, CancellationToken cancellationToken)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(settings.Ffmpeg)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        foreach (var arg in Arguments(codec, settings.Width))
        {
            process.StartInfo.ArgumentList.Add(arg);
        }
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new SnapshotDecodeException($"{settings.Ffmpeg} did not start: {ex.Message}");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var tail = new StderrTail();
        try
        {
            var input = WriteInputAsync(process, keyframe, timeout.Token);
            var errors = ReadErrorsAsync(process, tail, timeout.Token);
            var output = ReadOutputAsync(process, timeout.Token);
            // Output first: a JPEG over the bound ends the decode at once (the finally kills ffmpeg).
            var jpeg = await output.ConfigureAwait(false);
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(input, errors).ConfigureAwait(false);
            if (process.ExitCode != 0 || jpeg.Length == 0)
            {
                throw new SnapshotDecodeException($"ffmpeg exited with {process.ExitCode} and {jpeg.Length} bytes of JPEG: {LastLine(tail)}");
            }
            return jpeg;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SnapshotDecodeException($"ffmpeg made no picture within {Timeout.TotalSeconds:0} s: {LastLine(tail)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (InvalidOperationException)
                {
                    // Exited between the check and the kill.
                }
            }
        }
    }

    private static string LastLine(StderrTail tail) => tail.Lines() is { Count: > 0 } lines ? lines[^1] : "no error output";

    private static async Task WriteInputAsync(Process process, byte[] keyframe, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(keyframe, cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // ffmpeg closed its input early (it failed); its exit code tells.
        }
    }

    private static async Task ReadErrorsAsync(Process process, StderrTail tail, CancellationToken cancellationToken)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await process.StandardError.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer.AsSpan(0, read));
        }
    }

    private static async Task<byte[]> ReadOutputAsync(Process process, CancellationToken cancellationToken)
    {
        var jpeg = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await process.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (jpeg.Length + read > MaxJpegBytes)
            {
                throw new SnapshotDecodeException($"ffmpeg wrote more than {MaxJpegBytes} bytes");
            }
            jpeg.Write(buffer, 0, read);
        }
        return jpeg.ToArray();
    }
}
