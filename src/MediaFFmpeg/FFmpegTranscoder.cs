using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg.Native;

namespace OrleansLive.Media.FFmpeg;

/// <summary>
/// Decode, filter (resample, mix to the output's channels, cut the encoder's frame size), encode:
/// one stream's audio in one direction. Every failure inside a frame is a dropped frame, never an
/// exception, so a bad publisher cannot break the players' path.
/// </summary>
internal sealed class FFmpegTranscoder : IAudioTranscoder
{
    public const int DefaultOpusBitrate = 48000;
    public const int DefaultAacBitrate = 128000;
    private const int OutputRate = 48000;

    private readonly IInputFraming _input;
    private readonly AudioDecoder _decoder;
    private readonly AudioEncoder _encoder;
    private readonly PcmFormat _encoderInput;
    private readonly FrameClock _clock = new(OutputRate);
    private readonly FrameHandle _decoded = new();
    private readonly FrameHandle _filtered = new();
    private FilterGraph? _graph;
    private PcmFormat _graphInput;
    private bool _disposed;

    private FFmpegTranscoder(IInputFraming input, AudioDecoder decoder, AudioEncoder encoder, PcmFormat encoderInput, AudioFormat output, byte[] outputConfig)
    {
        _input = input;
        _decoder = decoder;
        _encoder = encoder;
        _encoderInput = encoderInput;
        Output = output;
        OutputConfig = outputConfig;
    }

    public AudioFormat Output { get; }

    public ReadOnlyMemory<byte> OutputConfig { get; }

    public long DroppedFrames { get; private set; }

    /// <summary>AAC (any rate, from its AudioSpecificConfig) to Opus 48 kHz: mono stays mono, anything
    /// wider is mixed to stereo, the most a WebRTC player takes.</summary>
    public static FFmpegTranscoder AacToOpus(ReadOnlySpan<byte> audioSpecificConfig, int bitrate)
    {
        if (!AudioSpecificConfig.TryParse(audioSpecificConfig, out var config) || config.SamplingIndex > 12)
        {
            throw new NotSupportedException("AAC input needs a readable AudioSpecificConfig with a standard sampling rate");
        }

        var channels = config.ChannelConfig == 1 ? 1 : 2;
        var encoderInput = new PcmFormat(OutputRate, "flt", PcmFormat.LayoutFor(channels));
        return Open(new AacInputFraming(config), "aac", null, "libopus", encoderInput, bitrate > 0 ? bitrate : DefaultOpusBitrate, AudioCodecId.Opus,
            encoder => OpusHead.ForChannels(channels, OpusHead.TryParse(encoder.ExtraData(), out var head) ? head.PreSkip : 0).ToBytes());
    }

    /// <summary>Opus (mono or stereo; no configuration means stereo, as WebRTC signals it) to AAC-LC 48 kHz.</summary>
    public static FFmpegTranscoder OpusToAac(ReadOnlySpan<byte> opusHead, int bitrate)
    {
        var channels = 2;
        if (!opusHead.IsEmpty)
        {
            if (!OpusHead.TryParse(opusHead, out var head) || head.Channels > 2)
            {
                throw new NotSupportedException("Opus input must be mono or stereo with a readable OpusHead");
            }

            channels = head.Channels;
        }

        var layout = PcmFormat.LayoutFor(channels);
        var encoderInput = new PcmFormat(OutputRate, "fltp", layout);
        return Open(new OpusInputFraming(), "opus", layout, "aac", encoderInput, bitrate > 0 ? bitrate : DefaultAacBitrate, AudioCodecId.Aac,
            _ => new AudioSpecificConfig(2, 3, OutputRate, channels).ToBytes()); // AAC-LC, sampling index 3: 48 kHz
    }

    private static FFmpegTranscoder Open(IInputFraming input, string decoderName, string? decoderLayout, string encoderName, PcmFormat encoderInput,
        int bitrate, AudioCodecId outputCodec, Func<AudioEncoder, byte[]> outputConfig)
    {
        var decoder = AudioDecoder.Open(decoderName, decoderLayout);
        try
        {
            var encoder = AudioEncoder.Open(encoderName, encoderInput, bitrate);
            var channels = encoderInput.Layout == "mono" ? 1 : 2;
            return new FFmpegTranscoder(input, decoder, encoder, encoderInput, new AudioFormat(outputCodec, OutputRate, channels), outputConfig(encoder));
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    public void Transcode(ReadOnlySpan<byte> frame, long timestampMs, ICollection<EncodedAudio> output)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_input.TryFrame(frame, out var packet, out var samples, out var sampleRate))
        {
            DroppedFrames++;
            return;
        }

        if (_clock.StartsOver(timestampMs))
        {
            // The samples still buffered in the graph (under one output frame) belong to the old
            // timeline: dropped with the graph rather than flushed out with the wrong times.
            DropGraph();
        }

        _clock.AddInput(samples, sampleRate);
        if (_decoder.Send(packet, timestampMs) < 0)
        {
            DroppedFrames++;
            return;
        }

        while (true)
        {
            var ret = _decoder.Receive(_decoded);
            if (ret == AvUtil.ErrorAgain || ret == AvUtil.ErrorEof)
            {
                return;
            }

            if (ret < 0)
            {
                DroppedFrames++;
                return;
            }

            FilterAndEncode(output);
        }
    }

    private void FilterAndEncode(ICollection<EncodedAudio> output)
    {
        if (!EnsureGraph() || _graph!.Push(_decoded) < 0)
        {
            AvUtil.av_frame_unref(_decoded.Pointer);
            DroppedFrames++;
            return;
        }

        while (_graph.Pull(_filtered) >= 0)
        {
            var sent = _encoder.Send(_filtered);
            AvUtil.av_frame_unref(_filtered.Pointer);
            if (sent < 0)
            {
                continue;
            }

            while (_encoder.TryReceive(out var data))
            {
                output.Add(new EncodedAudio(_clock.NextOutput(_encoder.FrameSize), data));
            }
        }
    }

    /// <summary>A graph for the format the decoder produces now: built at the first frame and again
    /// when the format changes (abuffer takes one format for its life).</summary>
    private bool EnsureGraph()
    {
        var format = _decoder.Format(_decoded);
        if (_graph is not null && format == _graphInput)
        {
            return true;
        }

        DropGraph();
        try
        {
            _graph = FilterGraph.FromFrames(format, _encoderInput, _encoder.FrameSize);
            _graphInput = format;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private void DropGraph()
    {
        _graph?.Dispose();
        _graph = null;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DropGraph();
        _filtered.Dispose();
        _decoded.Dispose();
        _encoder.Dispose();
        _decoder.Dispose();
    }
}
