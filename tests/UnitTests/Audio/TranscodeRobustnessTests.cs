using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;

namespace OrleansLive.UnitTests.Audio;

/// <summary>Bad input is dropped and counted, never thrown.</summary>
public sealed class TranscodeRobustnessTests
{
    private static readonly FFmpegAudioCodecs Codecs = new();

    [Fact]
    public void A_corrupt_aac_frame_is_dropped_and_counted_and_the_next_frames_decode()
    {
        var (config, aac) = TestSignals.AacSine(1000, 44100, 2, 2);
        var garbage = new byte[300];
        new Random(1).NextBytes(garbage);
        var input = TestSignals.Timed(aac, 0, 1024, 44100).ToList();
        input.Insert(20, (garbage, input[20].TimestampMs));

        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Aac, config, AudioCodecId.Opus, 0));
        var output = new List<EncodedAudio>();
        var outputBeforeGarbage = 0;
        for (var i = 0; i < input.Count; i++)
        {
            transcoder.Transcode(input[i].Frame, input[i].TimestampMs, output);
            if (i == 19)
            {
                outputBeforeGarbage = output.Count;
            }
        }

        Assert.Equal(1, transcoder.DroppedFrames);
        Assert.True(output.Count - outputBeforeGarbage > 60, "frames after the corrupt one still come out");
        var pcm = PcmAnalysis.Decode(transcoder, output.Skip(outputBeforeGarbage + 5));
        Assert.InRange(PcmAnalysis.Frequency(pcm), 997, 1003);
    }

    [Fact]
    public void An_invalid_or_empty_opus_packet_is_dropped_and_counted()
    {
        var opus = TestSignals.OpusSine(440, 2, 1);
        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Opus, OpusHead.ForChannels(2).ToBytes(), AudioCodecId.Aac, 0));
        var output = new List<EncodedAudio>();
        for (var i = 0; i < opus.Count; i++)
        {
            if (i == 10)
            {
                transcoder.Transcode([0xFB, 0x00], i * 20, output); // code 3 with zero frames (RFC 6716 3.2.5)
                transcoder.Transcode([], i * 20, output);
            }

            transcoder.Transcode(opus[i], i * 20, output);
        }

        Assert.Equal(2, transcoder.DroppedFrames);
        Assert.InRange(output.Count, 40, 47);
    }

    [Fact]
    public void Seeded_random_mutations_of_valid_frames_never_throw()
    {
        var (config, aac) = TestSignals.AacSine(1000, 44100, 2, 1);
        var opus = TestSignals.OpusSine(440, 2, 1);
        var random = new Random(20240601);
        foreach (var (input, frames, frameMs) in new[] { (AudioCodecId.Aac, aac, 23), (AudioCodecId.Opus, opus, 20) })
        {
            var request = new AudioTranscodeRequest(input, input == AudioCodecId.Aac ? config : OpusHead.ForChannels(2).ToBytes(),
                input == AudioCodecId.Aac ? AudioCodecId.Opus : AudioCodecId.Aac, 0);
            using var transcoder = Codecs.Create(request);
            var output = new List<EncodedAudio>();
            for (var round = 0; round < 20; round++)
            {
                for (var i = 0; i < frames.Count; i++)
                {
                    transcoder.Transcode(Mutate(frames[i], random), ((round * frames.Count) + i) * frameMs, output);
                }
            }

            // The clean frames after all that still transcode.
            var before = output.Count;
            for (var i = 0; i < frames.Count; i++)
            {
                transcoder.Transcode(frames[i], (long)(21 * frames.Count + i) * frameMs, output);
            }

            Assert.True(output.Count - before > 20, $"{input}: {output.Count - before} frames from clean input after the fuzzing");
        }
    }

    private static byte[] Mutate(byte[] frame, Random random)
    {
        var copy = frame.ToArray();
        switch (random.Next(6))
        {
            case 0:
                return copy; // some clean frames between the bad ones
            case 1:
                for (var n = random.Next(1, 8); n > 0 && copy.Length > 0; n--)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }

                return copy;
            case 2:
                return copy[..random.Next(copy.Length + 1)];
            case 3:
                var longer = new byte[copy.Length + random.Next(1, 64)];
                random.NextBytes(longer);
                copy.CopyTo(longer, 0);
                return longer;
            case 4:
                var noise = new byte[random.Next(0, 1500)];
                random.NextBytes(noise);
                return noise;
            default:
                random.NextBytes(copy.AsSpan(random.Next(copy.Length)));
                return copy;
        }
    }
}
