namespace OrleansLive.Media.FFmpeg.Native;

// The few struct fields read or written by offset. Each sits among the first members of its struct,
// unchanged since before FFmpeg 5.0; the ABI of a major version never moves a field that existed at
// x.0 (libavcodec/packet.h, libavutil/frame.h, libavcodec/codec_par.h of 5.1). Everything else is
// set through AVOptions.

/// <summary>AVPacket (libavcodec 59): buf, pts, dts, data, size.</summary>
internal static unsafe class AvPacket
{
    private const int Pts = 8;
    private const int Data = 24;
    private const int Size = 32;

    /// <summary>Points the packet at caller memory with no AVBufferRef: avcodec_send_packet then
    /// copies it (with the padding decoders need) before it returns, so the memory need only be
    /// pinned for the call.</summary>
    public static void Borrow(nint packet, byte* data, int size, long pts)
    {
        *(long*)(packet + Pts) = pts;
        *(byte**)(packet + Data) = data;
        *(int*)(packet + Size) = size;
    }

    public static ReadOnlySpan<byte> Payload(nint packet) => new(*(byte**)(packet + Data), *(int*)(packet + Size));
}

/// <summary>AVFrame (libavutil 57): data[8], linesize[8], extended_data, width, height, nb_samples, format.</summary>
internal static unsafe class AvFrame
{
    private const int NbSamples = 112;
    private const int Format = 116;

    /// <summary>data[0]: the first plane, or every channel interleaved for a packed format.</summary>
    public static nint Plane0(nint frame) => *(nint*)frame;

    public static int Samples(nint frame) => *(int*)(frame + NbSamples);

    public static int SampleFormat(nint frame) => *(int*)(frame + Format);
}

/// <summary>AVCodecParameters (libavcodec 59): codec_type, codec_id, codec_tag, extradata, extradata_size, format.</summary>
internal static unsafe class AvCodecParameters
{
    private const int Extradata = 16;
    private const int ExtradataSize = 24;
    private const int Format = 28;

    /// <summary>The sample format, which AVCodecContext offers no AVOption for.</summary>
    public static void SetFormat(nint parameters, int format) => *(int*)(parameters + Format) = format;

    public static ReadOnlySpan<byte> ExtraData(nint parameters)
    {
        var data = *(byte**)(parameters + Extradata);
        return data == null ? [] : new(data, *(int*)(parameters + ExtradataSize));
    }
}
