using System.Runtime.InteropServices;
using OrleansLive.Media.FFmpeg.Native;

namespace OrleansLive.Media.FFmpeg;

/// <summary>One FFmpeg audio decoder, opened without extradata: AAC arrives ADTS-framed and Opus
/// needs only its channel count.</summary>
internal sealed unsafe class AudioDecoder : IDisposable
{
    private const int ErrorInvalid = -22; // AVERROR(EINVAL)

    private readonly CodecContextHandle _context;
    private readonly PacketHandle _packet = new();

    private AudioDecoder(CodecContextHandle context) => _context = context;

    /// <param name="layout">The channel layout a decoder without configuration assumes (Opus), or null.</param>
    public static AudioDecoder Open(string codecName, string? layout)
    {
        var codec = AvCodec.avcodec_find_decoder_by_name(codecName);
        if (codec == 0)
        {
            throw new NotSupportedException($"FFmpeg has no {codecName} decoder");
        }

        var context = new CodecContextHandle(AvCodec.avcodec_alloc_context3(codec));
        try
        {
            if (layout is not null)
            {
                AvUtil.Set(context.Pointer, "ch_layout", layout);
            }

            var ret = AvCodec.avcodec_open2(context.Pointer, codec, 0);
            if (ret < 0)
            {
                throw new InvalidOperationException($"FFmpeg {codecName} decoder: {AvUtil.ErrorText(ret)}");
            }

            return new AudioDecoder(context);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Sends one packet; a negative AVERROR when the decoder rejects it. Never sends an empty
    /// packet, which FFmpeg would take as end of stream.</summary>
    public int Send(ReadOnlySpan<byte> data, long pts)
    {
        if (data.IsEmpty)
        {
            return ErrorInvalid;
        }

        fixed (byte* p = data)
        {
            AvPacket.Borrow(_packet.Pointer, p, data.Length, pts);
            var ret = AvCodec.avcodec_send_packet(_context.Pointer, _packet.Pointer);
            AvPacket.Borrow(_packet.Pointer, null, 0, long.MinValue);
            return ret;
        }
    }

    /// <summary>The next decoded frame into <paramref name="frame"/>; EAGAIN when the packet is used up.</summary>
    public int Receive(FrameHandle frame) => AvCodec.avcodec_receive_frame(_context.Pointer, frame.Pointer);

    /// <summary>The format of <paramref name="frame"/>, just received: the sample format from the
    /// frame itself, rate and layout from the context, which the decoder restates with every frame, so
    /// a change mid-stream shows here. (AVCodecContext has no AVOption for its sample format.)</summary>
    public PcmFormat Format(FrameHandle frame)
    {
        AvUtil.av_opt_get_int(_context.Pointer, "ar", 0, out var rate);
        var name = AvUtil.av_get_sample_fmt_name(AvFrame.SampleFormat(frame.Pointer));
        return new PcmFormat((int)rate, name == 0 ? "" : Marshal.PtrToStringUTF8(name) ?? "", AvUtil.GetString(_context.Pointer, "ch_layout") ?? "");
    }

    public void Dispose()
    {
        _packet.Dispose();
        _context.Dispose();
    }
}
