using System.Diagnostics;
using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;
using Xunit.Abstractions;

namespace OrleansLive.UnitTests.Audio;

/// <summary>A minute of audio each way keeps its length; the CPU it took goes to the test output
/// (a figure to read, not to assert on a shared machine). The process's CPU time is the measure, so
/// the class runs with no other test beside it.</summary>
[Collection(nameof(ProcessWideMeasurements))]
public sealed class TranscodeCostTests(ITestOutputHelper log)
{
    private static readonly FFmpegAudioCodecs Codecs = new();

    [Fact]
    public void A_minute_of_aac_becomes_a_minute_of_opus()
    {
        var (config, aac) = TestSignals.AacSine(1000, 44100, 2, 60);
        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Aac, config, AudioCodecId.Opus, 48000));
        var output = Measure("AAC 44.1 kHz stereo → Opus 48 kb/s", () => PcmAnalysis.Run(transcoder, TestSignals.Timed(aac, 0, 1024, 44100)));
        Assert.InRange(output.Count, 2995, 3000);
        Assert.Equal(20L * (output.Count - 1), output[^1].TimestampMs);
    }

    [Fact]
    public void A_minute_of_opus_becomes_a_minute_of_aac()
    {
        var opus = TestSignals.OpusSine(1000, 2, 60);
        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Opus, OpusHead.ForChannels(2).ToBytes(), AudioCodecId.Aac, 128000));
        var output = Measure("Opus stereo → AAC-LC 128 kb/s", () => PcmAnalysis.Run(transcoder, TestSignals.Timed(opus, 0, 960, 48000)));
        Assert.InRange(output.Count, 2805, 2813); // 60 s of 1024-sample frames: 2812.5
    }

    private List<EncodedAudio> Measure(string what, Func<List<EncodedAudio>> run)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var output = run();
        process.Refresh();
        var used = process.TotalProcessorTime - cpu;
        log.WriteLine($"{what}: {used.TotalMilliseconds:F0} ms CPU for 60 s of audio, {used.TotalMilliseconds / 600:F2} % of a core in real time");
        return output;
    }
}

