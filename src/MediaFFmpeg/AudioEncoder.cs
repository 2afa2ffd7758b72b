using OrleansLive.Media.FFmpeg.Native;

namespace OrleansLive.Media.FFmpeg;

/// <summary>One FFmpeg audio encoder, configured through AVOptions only.</summary>
internal sealed class AudioEncoder : IDisposable
{
    private readonly CodecContextHandle _context;
    private readonly PacketHandle _packet = new();

    private AudioEncoder(CodecContextHandle context, int frameSize)
    {
        _context = context;
        FrameSize = frameSize;
    }

    /// <summary>Samples per channel in every frame the encoder takes (and every packet it makes).</summary>
    public int FrameSize { get; }

    /// <param name="options">Codec-specific options (libopus "application", aac "aac_coder"...).</param>
    public static AudioEncoder Open(string codecName, PcmFormat input, long bitrate, params (string Name, string Value)[] options)
    {
        var codec = AvCodec.avcodec_find_encoder_by_name(codecName);
        if (codec == 0)
        {
            throw new NotSupportedException($"FFmpeg has no {codecName} encoder");
        }

        var context = new CodecContextHandle(AvCodec.avcodec_alloc_context3(codec));
        try
        {
            var c = context.Pointer;
            AvUtil.Set(c, "ar", input.SampleRate);
            AvUtil.Set(c, "ch_layout", input.Layout);
            AvUtil.Set(c, "b", bitrate);
            SetSampleFormat(c, input.SampleFormat);
            foreach (var (name, value) in options)
            {
                AvUtil.Set(c, name, value);
            }

            var ret = AvCodec.avcodec_open2(c, codec, 0);
            if (ret < 0)
            {
                throw new InvalidOperationException($"FFmpeg {codecName} encoder: {AvUtil.ErrorText(ret)}");
            }

            AvUtil.av_opt_get_int(c, "frame_size", 0, out var frameSize);
            if (frameSize <= 0)
            {
                throw new InvalidOperationException($"FFmpeg {codecName} encoder has no fixed frame size");
            }

            return new AudioEncoder(context, (int)frameSize);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>The codec context has no AVOption for its sample format: the settings go out to an
    /// AVCodecParameters, its format field is set, and they come back in.</summary>
    private static unsafe void SetSampleFormat(nint context, string name)
    {
        var format = AvUtil.av_get_sample_fmt(name);
        var parameters = AvCodec.avcodec_parameters_alloc();
        if (format < 0 || parameters == 0)
        {
            throw new InvalidOperationException($"FFmpeg sample format {name} is unknown");
        }

        try
        {
            if (AvCodec.avcodec_parameters_from_context(parameters, context) < 0)
            {
                throw new InvalidOperationException("FFmpeg could not read the encoder's parameters");
            }

            AvCodecParameters.SetFormat(parameters, format);
            if (AvCodec.avcodec_parameters_to_context(context, parameters) < 0)
            {
                throw new InvalidOperationException("FFmpeg could not set the encoder's sample format");
            }
        }
        finally
        {
            AvCodec.avcodec_parameters_free(&parameters);
        }
    }

    /// <summary>The codec's header as the encoder wrote it (libopus: an OpusHead), read through
    /// AVCodecParameters.</summary>
    public unsafe byte[] ExtraData()
    {
        var parameters = AvCodec.avcodec_parameters_alloc();
        if (parameters == 0)
        {
            return [];
        }

        try
        {
            return AvCodec.avcodec_parameters_from_context(parameters, _context.Pointer) < 0 ? [] : AvCodecParameters.ExtraData(parameters).ToArray();
        }
        finally
        {
            AvCodec.avcodec_parameters_free(&parameters);
        }
    }

    /// <summary>Sends one frame of exactly <see cref="FrameSize"/> samples; the frame keeps its data.</summary>
    public int Send(FrameHandle frame) => AvCodec.avcodec_send_frame(_context.Pointer, frame.Pointer);

    /// <summary>The next finished packet, copied out; false when the encoder wants more input.</summary>
    public bool TryReceive(out byte[] data)
    {
        if (AvCodec.avcodec_receive_packet(_context.Pointer, _packet.Pointer) < 0)
        {
            data = [];
            return false;
        }

        data = AvPacket.Payload(_packet.Pointer).ToArray();
        AvCodec.av_packet_unref(_packet.Pointer);
        return true;
    }

    public void Dispose()
    {
        _packet.Dispose();
        _context.Dispose();
    }
}
