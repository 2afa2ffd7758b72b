using System.Runtime.InteropServices;

namespace OrleansLive.Media.FFmpeg.Native;

/// <summary>An FFmpeg object freed exactly once: by Dispose, or by the finalizer if a transcoder is
/// dropped without one.</summary>
internal abstract class NativeHandle : SafeHandle
{
    protected NativeHandle(nint pointer, string what) : base(0, ownsHandle: true)
    {
        if (pointer == 0)
        {
            throw new InvalidOperationException($"FFmpeg could not allocate {what}");
        }

        SetHandle(pointer);
    }

    public override bool IsInvalid => handle == 0;

    public nint Pointer => handle;
}

internal sealed unsafe class CodecContextHandle(nint pointer) : NativeHandle(pointer, "a codec context")
{
    protected override bool ReleaseHandle()
    {
        var p = handle;
        AvCodec.avcodec_free_context(&p);
        return true;
    }
}

internal sealed unsafe class PacketHandle() : NativeHandle(AvCodec.av_packet_alloc(), "a packet")
{
    protected override bool ReleaseHandle()
    {
        var p = handle;
        AvCodec.av_packet_free(&p);
        return true;
    }
}

internal sealed unsafe class FrameHandle() : NativeHandle(AvUtil.av_frame_alloc(), "a frame")
{
    protected override bool ReleaseHandle()
    {
        var p = handle;
        AvUtil.av_frame_free(&p);
        return true;
    }
}

internal sealed unsafe class FilterGraphHandle() : NativeHandle(AvFilter.avfilter_graph_alloc(), "a filter graph")
{
    protected override bool ReleaseHandle()
    {
        var p = handle;
        AvFilter.avfilter_graph_free(&p);
        return true;
    }
}
