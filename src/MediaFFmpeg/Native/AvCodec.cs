using System.Runtime.InteropServices;

namespace OrleansLive.Media.FFmpeg.Native;

/// <summary>The part of libavcodec 59 (FFmpeg 5.x) the transcoder uses: the send/receive codec API,
/// packets and codec parameters.</summary>
internal static unsafe partial class AvCodec
{
    public const string Lib = "libavcodec.so.59";

    [LibraryImport(Lib)]
    public static partial uint avcodec_version();

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint avcodec_find_decoder_by_name(string name);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint avcodec_find_encoder_by_name(string name);

    [LibraryImport(Lib)]
    public static partial nint avcodec_alloc_context3(nint codec);

    [LibraryImport(Lib)]
    public static partial void avcodec_free_context(nint* context);

    [LibraryImport(Lib)]
    public static partial int avcodec_open2(nint context, nint codec, nint options);

    [LibraryImport(Lib)]
    public static partial int avcodec_send_packet(nint context, nint packet);

    [LibraryImport(Lib)]
    public static partial int avcodec_receive_frame(nint context, nint frame);

    [LibraryImport(Lib)]
    public static partial int avcodec_send_frame(nint context, nint frame);

    [LibraryImport(Lib)]
    public static partial int avcodec_receive_packet(nint context, nint packet);

    [LibraryImport(Lib)]
    public static partial nint av_packet_alloc();

    [LibraryImport(Lib)]
    public static partial void av_packet_free(nint* packet);

    [LibraryImport(Lib)]
    public static partial void av_packet_unref(nint packet);

    [LibraryImport(Lib)]
    public static partial nint avcodec_parameters_alloc();

    [LibraryImport(Lib)]
    public static partial void avcodec_parameters_free(nint* parameters);

    [LibraryImport(Lib)]
    public static partial int avcodec_parameters_from_context(nint parameters, nint context);

    [LibraryImport(Lib)]
    public static partial int avcodec_parameters_to_context(nint context, nint parameters);
}
