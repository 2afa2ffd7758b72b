using System.Runtime.InteropServices;
using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;
using OrleansLive.Media.FFmpeg.Native;

namespace OrleansLive.UnitTests.Audio;

/// <summary>Decodes a transcoder's output back to 48 kHz mono float PCM and measures it.</summary>
internal static class PcmAnalysis
{
    public const int Rate = 48000;

    public static float[] Decode(IAudioTranscoder transcoder, IEnumerable<EncodedAudio> output) =>
        Decode(transcoder.Output.Codec, transcoder.OutputConfig.Span, output.Select(o => o.Data));

    public static float[] Decode(AudioCodecId codec, ReadOnlySpan<byte> config, IEnumerable<byte[]> frames)
    {
        IInputFraming framing;
        AudioDecoder decoder;
        if (codec == AudioCodecId.Aac)
        {
            Assert.True(AudioSpecificConfig.TryParse(config, out var asc));
            framing = new AacInputFraming(asc);
            decoder = AudioDecoder.Open("aac", null);
        }
        else
        {
            Assert.True(OpusHead.TryParse(config, out var head));
            framing = new OpusInputFraming();
            decoder = AudioDecoder.Open("opus", PcmFormat.LayoutFor(head.Channels));
        }

        var pcm = new List<float>();
        var mono = new PcmFormat(Rate, "flt", "mono");
        FilterGraph? graph = null;
        PcmFormat graphInput = default;
        using var decoded = new FrameHandle();
        using var filtered = new FrameHandle();
        try
        {
            foreach (var frame in frames)
            {
                Assert.True(framing.TryFrame(frame, out var packet, out _, out _));
                Assert.True(decoder.Send(packet, 0) >= 0, "the transcoder's output must decode");
                while (decoder.Receive(decoded) >= 0)
                {
                    var format = decoder.Format(decoded);
                    if (graph is null || format != graphInput)
                    {
                        graph?.Dispose();
                        graph = FilterGraph.FromFrames(format, mono, 0);
                        graphInput = format;
                    }

                    Assert.True(graph.Push(decoded) >= 0);
                    while (graph.Pull(filtered) >= 0)
                    {
                        pcm.AddRange(Samples(filtered));
                        AvUtil.av_frame_unref(filtered.Pointer);
                    }
                }
            }
        }
        finally
        {
            graph?.Dispose();
            decoder.Dispose();
        }

        return [.. pcm];
    }

    /// <summary>Zero crossings (with a little hysteresis against coding noise) over the whole signal.</summary>
    public static double Frequency(ReadOnlySpan<float> pcm)
    {
        const float threshold = 0.01f;
        var crossings = 0;
        var positive = pcm[0] > 0;
        foreach (var sample in pcm)
        {
            if (positive ? sample < -threshold : sample > threshold)
            {
                positive = !positive;
                crossings++;
            }
        }

        return crossings / 2.0 / (pcm.Length / (double)Rate);
    }

    public static double Rms(ReadOnlySpan<float> pcm)
    {
        double sum = 0;
        foreach (var s in pcm)
        {
            sum += s * s;
        }

        return Math.Sqrt(sum / pcm.Length);
    }

    /// <summary>The middle of a signal: codec priming and the last partial frame left out.</summary>
    public static ReadOnlySpan<float> Steady(float[] pcm) => pcm.AsSpan(Rate / 5, pcm.Length - (Rate / 5) - (Rate / 10));

    private static float[] Samples(FrameHandle frame)
    {
        Assert.Equal(3, AvFrame.SampleFormat(frame.Pointer)); // AV_SAMPLE_FMT_FLT: mono, one plane
        var samples = new float[AvFrame.Samples(frame.Pointer)];
        Marshal.Copy(AvFrame.Plane0(frame.Pointer), samples, 0, samples.Length);
        return samples;
    }

    public static List<EncodedAudio> Run(IAudioTranscoder transcoder, IEnumerable<(byte[] Frame, long TimestampMs)> input)
    {
        var output = new List<EncodedAudio>();
        foreach (var (frame, time) in input)
        {
            transcoder.Transcode(frame, time, output);
        }

        return output;
    }
}
