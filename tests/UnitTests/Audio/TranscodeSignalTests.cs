using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;

namespace OrleansLive.UnitTests.Audio;

/// <summary>A known tone through AAC → Opus → AAC keeps its pitch and level.</summary>
public sealed class TranscodeSignalTests
{
    private static readonly FFmpegAudioCodecs Codecs = new();

    [Theory]
    [InlineData(1000, 44100, 2)]
    [InlineData(440, 48000, 1)]
    [InlineData(1000, 48000, 2)]
    public void A_tone_survives_aac_to_opus_and_back(int frequency, int sampleRate, int channels)
    {
        var (config, aac) = TestSignals.AacSine(frequency, sampleRate, channels, 2);

        using var toOpus = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Aac, config, AudioCodecId.Opus, 0));
        Assert.Equal(new AudioFormat(AudioCodecId.Opus, 48000, channels), toOpus.Output);
        var opus = PcmAnalysis.Run(toOpus, TestSignals.Timed(aac, 1000, 1024, sampleRate));
        AssertTone(frequency, PcmAnalysis.Decode(toOpus, opus));
        Assert.InRange(opus.Count, 95, 101); // 2 s of 20 ms frames, less the graph's and encoder's delay
        Assert.Equal(0, toOpus.DroppedFrames);

        using var toAac = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Opus, toOpus.OutputConfig, AudioCodecId.Aac, 128000));
        Assert.Equal(new AudioFormat(AudioCodecId.Aac, 48000, channels), toAac.Output);
        var back = PcmAnalysis.Run(toAac, opus.Select(o => (o.Data, o.TimestampMs)));
        AssertTone(frequency, PcmAnalysis.Decode(toAac, back));
        Assert.Equal(0, toAac.DroppedFrames);
    }

    [Fact]
    public void A_sample_rate_change_mid_stream_keeps_the_output_going()
    {
        // ADTS frames carry their own rate, as a publisher that restarts its encoder sends them.
        var (_, first) = TestSignals.AacSine(1000, 44100, 2, 1);
        var (_, second) = TestSignals.AacSine(1000, 48000, 2, 1);
        var input = TestSignals.Timed(first.Select(f => TestSignals.WithAdts(f, TestSignals.Config(44100, 2))), 0, 1024, 44100).ToList();
        var secondStart = input[^1].TimestampMs + 23;
        input.AddRange(TestSignals.Timed(second.Select(f => TestSignals.WithAdts(f, TestSignals.Config(48000, 2))), secondStart, 1024, 48000));

        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Aac, TestSignals.Config(44100, 2).ToBytes(), AudioCodecId.Opus, 0));
        var output = PcmAnalysis.Run(transcoder, input);

        Assert.InRange(output.Count, 94, 101);
        var afterChange = output.Where(o => o.TimestampMs >= secondStart + 200).ToList();
        Assert.True(afterChange.Count >= 30, $"{afterChange.Count} frames after the change");
        AssertTone(1000, PcmAnalysis.Decode(transcoder, afterChange));
        Assert.Equal(0, transcoder.DroppedFrames);
    }

    private static void AssertTone(int frequency, float[] pcm)
    {
        var steady = PcmAnalysis.Steady(pcm);
        Assert.InRange(PcmAnalysis.Frequency(steady), frequency - 3, frequency + 3);
        Assert.InRange(PcmAnalysis.Rms(steady), 0.05, 0.2); // lavfi's sine: amplitude 1/8, RMS 0.088
    }
}
