using System.Runtime.InteropServices;

namespace OrleansLive.Media.FFmpeg.Native;

/// <summary>The part of libavfilter 8 (FFmpeg 5.x) the transcoder uses: building a linear graph
/// filter by filter, and the abuffer source and abuffersink ends.</summary>
internal static unsafe partial class AvFilter
{
    public const string Lib = "libavfilter.so.8";

    [LibraryImport(Lib)]
    public static partial uint avfilter_version();

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint avfilter_get_by_name(string name);

    [LibraryImport(Lib)]
    public static partial nint avfilter_graph_alloc();

    [LibraryImport(Lib)]
    public static partial void avfilter_graph_free(nint* graph);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int avfilter_graph_create_filter(out nint context, nint filter, string name, string? args, nint opaque, nint graph);

    [LibraryImport(Lib)]
    public static partial int avfilter_link(nint source, uint sourcePad, nint destination, uint destinationPad);

    [LibraryImport(Lib)]
    public static partial int avfilter_graph_config(nint graph, nint logContext);

    /// <summary>Takes the frame's buffers and leaves the frame empty for reuse.</summary>
    [LibraryImport(Lib)]
    public static partial int av_buffersrc_add_frame(nint context, nint frame);

    [LibraryImport(Lib)]
    public static partial int av_buffersink_get_frame(nint context, nint frame);

    /// <summary>Every frame the sink returns then holds exactly this many samples (the encoder's frame).</summary>
    [LibraryImport(Lib)]
    public static partial void av_buffersink_set_frame_size(nint context, uint frameSize);
}
