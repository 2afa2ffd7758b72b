using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;

namespace OrleansLive.UnitTests.Audio;

/// <summary>Output times: from the first input's time on, one output frame's duration apart, and a
/// new timeline when the input jumps.</summary>
public sealed class TranscodeTimingTests
{
    private static readonly FFmpegAudioCodecs Codecs = new();

    [Fact]
    public void Opus_frames_are_20_ms_apart_from_the_first_input_time()
    {
        var (config, aac) = TestSignals.AacSine(1000, 44100, 2, 1);
        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Aac, config, AudioCodecId.Opus, 48000));
        var output = PcmAnalysis.Run(transcoder, TestSignals.Timed(aac, 5000, 1024, 44100));

        Assert.NotEmpty(output);
        for (var i = 0; i < output.Count; i++)
        {
            Assert.Equal(5000 + (20L * i), output[i].TimestampMs);
        }
    }

    [Fact]
    public void Aac_frames_are_1024_samples_at_48_khz_apart()
    {
        var opus = TestSignals.OpusSine(440, 2, 1);
        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Opus, OpusHead.ForChannels(2).ToBytes(), AudioCodecId.Aac, 128000));
        var output = PcmAnalysis.Run(transcoder, TestSignals.Timed(opus, 70_000, 960, 48000));

        Assert.InRange(output.Count, 40, 47);
        for (var i = 0; i < output.Count; i++)
        {
            Assert.Equal(70_000 + (i * 1024L * 1000 / 48000), output[i].TimestampMs);
        }
    }

    [Fact]
    public void A_500_ms_gap_in_input_times_starts_the_clock_over_at_the_input_after_it()
    {
        var opus = TestSignals.OpusSine(440, 2, 2);
        var input = TestSignals.Timed(opus, 0, 960, 48000).ToList();
        var gapAt = input.Count / 2;
        var resumedAt = input[gapAt].TimestampMs + 500;
        input = [.. input.Select((f, i) => i < gapAt ? f : (f.Frame, f.TimestampMs + 500))];

        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Opus, ReadOnlyMemory<byte>.Empty, AudioCodecId.Aac, 0));
        var output = PcmAnalysis.Run(transcoder, input);

        var before = output.Where(o => o.TimestampMs < resumedAt).ToList();
        var after = output.Where(o => o.TimestampMs >= resumedAt).ToList();
        Assert.True(before.Count > 10 && after.Count > 10, $"{before.Count} before, {after.Count} after");
        Assert.True(before[^1].TimestampMs < resumedAt - 400, "nothing is stamped inside the gap");
        for (var i = 0; i < after.Count; i++)
        {
            Assert.Equal(resumedAt + (i * 1024L * 1000 / 48000), after[i].TimestampMs);
        }
    }

    [Fact]
    public void Input_jitter_under_100_ms_keeps_the_output_timeline()
    {
        var opus = TestSignals.OpusSine(440, 2, 1);
        var jitter = new Random(7);
        var input = TestSignals.Timed(opus, 1000, 960, 48000).Select(f => (f.Frame, f.TimestampMs + jitter.Next(-40, 41)));

        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Opus, ReadOnlyMemory<byte>.Empty, AudioCodecId.Aac, 0));
        var output = PcmAnalysis.Run(transcoder, input);

        for (var i = 1; i < output.Count; i++)
        {
            Assert.Equal(output[0].TimestampMs + (i * 1024L * 1000 / 48000), output[i].TimestampMs);
        }
    }
}
