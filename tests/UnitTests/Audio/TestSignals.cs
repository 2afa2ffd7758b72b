using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;
using OrleansLive.Media.FFmpeg.Native;

namespace OrleansLive.UnitTests.Audio;

/// <summary>Known signals encoded in-process: lavfi's sine source through FFmpeg's AAC or libopus encoder.</summary>
internal static class TestSignals
{
    /// <summary>Raw AAC-LC access units (no ADTS) of a sine, with the stream's AudioSpecificConfig.</summary>
    public static (byte[] Config, List<byte[]> Frames) AacSine(int frequency, int sampleRate, int channels, double seconds)
    {
        Assert.Null(FFmpegLibraries.Unavailable); // also quiets FFmpeg's log
        var format = new PcmFormat(sampleRate, "fltp", PcmFormat.LayoutFor(channels));
        using var encoder = AudioEncoder.Open("aac", format, 128000);
        var frames = Encode(Sine(frequency, sampleRate, seconds, format, encoder.FrameSize), encoder);
        return (Config(sampleRate, channels).ToBytes(), frames);
    }

    /// <summary>20 ms Opus packets of a sine at 48 kHz.</summary>
    public static List<byte[]> OpusSine(int frequency, int channels, double seconds)
    {
        Assert.Null(FFmpegLibraries.Unavailable);
        var format = new PcmFormat(48000, "flt", PcmFormat.LayoutFor(channels));
        using var encoder = AudioEncoder.Open("libopus", format, 64000);
        return Encode(Sine(frequency, 48000, seconds, format, encoder.FrameSize), encoder);
    }

    public static AudioSpecificConfig Config(int sampleRate, int channels)
    {
        int[] rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000];
        return new AudioSpecificConfig(2, Array.IndexOf(rates, sampleRate), sampleRate, channels);
    }

    /// <summary>The raw frame behind a 7-byte ADTS header stating <paramref name="config"/>.</summary>
    public static byte[] WithAdts(byte[] raw, AudioSpecificConfig config)
    {
        var frame = new byte[AudioSpecificConfig.AdtsHeaderSize + raw.Length];
        config.WriteAdtsHeader(frame, raw.Length);
        raw.CopyTo(frame, AudioSpecificConfig.AdtsHeaderSize);
        return frame;
    }

    /// <summary>Input times of consecutive frames of <paramref name="samples"/> samples from <paramref name="startMs"/>.</summary>
    public static IEnumerable<(byte[] Frame, long TimestampMs)> Timed(IEnumerable<byte[]> frames, long startMs, int samples, int sampleRate) =>
        frames.Select((f, i) => (f, startMs + ((long)i * samples * 1000 / sampleRate)));

    private static FilterGraph Sine(int frequency, int sampleRate, double seconds, PcmFormat format, int frameSize) =>
        FilterGraph.FromSource("sine", FormattableString.Invariant($"frequency={frequency}:sample_rate={sampleRate}:duration={seconds}"), sampleRate, format, frameSize);

    private static List<byte[]> Encode(FilterGraph source, AudioEncoder encoder)
    {
        using (source)
        using (var frame = new FrameHandle())
        {
            var packets = new List<byte[]>();
            // The sine's last, short frame ends the stream; encoders that reject it just lose its samples.
            while (source.Pull(frame) >= 0)
            {
                encoder.Send(frame);
                AvUtil.av_frame_unref(frame.Pointer);
                while (encoder.TryReceive(out var packet))
                {
                    packets.Add(packet);
                }
            }

            return packets;
        }
    }
}
