using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Srt;

/// <summary>MPEG-TS helpers for the SRT tests: reading what a publisher sends, and a TS file to play out.</summary>
public static class SrtTs
{
    public const int PacketSize = 188;

    /// <summary>Reads messages until at least <paramref name="bytes"/> arrived, checking each holds
    /// whole TS packets that start with the 0x47 sync byte.</summary>
    public static async Task<long> ReadTsAsync(SrtConnection connection, long bytes, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        long total = 0;
        while (total < bytes)
        {
            using var message = await connection.Messages.ReadAsync(cts.Token);
            Assert.True(message.Length is > 0 and <= 1316, $"message of {message.Length} bytes");
            Assert.Equal(0, message.Length % PacketSize);
            for (var offset = 0; offset < message.Length; offset += PacketSize)
            {
                Assert.Equal(0x47, message.Span[offset]);
            }
            total += message.Length;
        }
        return total;
    }

    /// <summary>Encodes a short 640x360 H.264 test pattern to a TS file and returns its bytes.</summary>
    public static async Task<byte[]> MakeFileAsync(string path, double seconds)
    {
        await using var ffmpeg = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p", "-f", "mpegts", path);
        Assert.True(await ffmpeg.WaitForExitAsync(TimeSpan.FromSeconds(60)), "ffmpeg did not finish the TS file");
        Assert.True(ffmpeg.ExitCode == 0, ffmpeg.StdErr);
        return await File.ReadAllBytesAsync(path);
    }

    /// <summary>Plays TS bytes to a connection over and over, 1316 bytes a message, paced to a few
    /// Mbit/s, until it closes or <paramref name="until"/> is cancelled.</summary>
    public static async Task PlayOutAsync(SrtConnection connection, byte[] ts, CancellationToken until)
    {
        const int MessagesPerTick = 20;
        while (!until.IsCancellationRequested)
        {
            for (var offset = 0; offset < ts.Length && !until.IsCancellationRequested; offset += 1316 * MessagesPerTick)
            {
                var length = Math.Min(1316 * MessagesPerTick, ts.Length - offset);
                if (connection.SendSplit(ts.AsSpan(offset, length)) == SrtSendResult.Closed)
                {
                    return;
                }
                // Pacing, not waiting for a condition: live SRT wants a steady rate, not one burst.
                await Task.Delay(5, CancellationToken.None);
            }
        }
    }

    /// <summary>ffmpeg publishing the 640x360 pattern as MPEG-TS to an SRT URL.</summary>
    public static ExternalProcess Publish(string url, double seconds = 0)
    {
        var args = new List<string> { "-hide_banner", "-loglevel", "warning", "-nostdin", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25" };
        if (seconds > 0)
        {
            args.AddRange(["-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        args.AddRange(["-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p", "-f", "mpegts", url]);
        return ExternalProcess.Start("ffmpeg", [.. args]);
    }
}
