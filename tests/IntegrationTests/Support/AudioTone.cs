namespace OrleansLive.IntegrationTests.Support;

/// <summary>What a stream sounds like to ffmpeg: it decodes the audio of a URL or file to 48 kHz mono
/// PCM and the test reads its loudness and pitch (by zero crossings).</summary>
public static class AudioTone
{
    public static async Task<(double Rms, double Hz)> ListenAsync(string url, double seconds, TimeSpan timeout)
    {
        var file = Path.Combine(Path.GetTempPath(), $"tone-{Guid.NewGuid():N}.pcm");
        try
        {
            await using var ffmpeg = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                "-rw_timeout", "20000000", "-i", url, "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-vn", "-ac", "1", "-ar", "48000", "-f", "s16le", file);
            if (!await ffmpeg.WaitForExitAsync(timeout))
            {
                throw new TimeoutException($"ffmpeg decoding the audio of {url} did not finish: {ffmpeg.StdErr}");
            }
            Assert.True(ffmpeg.ExitCode == 0, $"ffmpeg decoding the audio of {url} failed: {ffmpeg.StdErr}");
            return Describe(await File.ReadAllBytesAsync(file), 48000);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>RMS (0..1) and zero-crossing frequency of 16-bit mono PCM, leaving out the first half second.</summary>
    public static (double Rms, double Hz) Describe(byte[] pcm, int rate)
    {
        var samples = new short[pcm.Length / 2];
        Buffer.BlockCopy(pcm, 0, samples, 0, samples.Length * 2);
        var from = Math.Min(samples.Length, rate / 2);
        var span = samples.AsSpan(from);
        if (span.Length < rate / 10)
        {
            return (0, 0);
        }
        double energy = 0;
        var crossings = 0;
        for (var i = 0; i < span.Length; i++)
        {
            energy += (double)span[i] * span[i];
            if (i > 0 && (span[i - 1] < 0) != (span[i] < 0))
            {
                crossings++;
            }
        }
        return (Math.Sqrt(energy / span.Length) / 32768, crossings / 2.0 / ((double)span.Length / rate));
    }
}
