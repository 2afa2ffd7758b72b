using System.Globalization;
using OrleansLive.Media.FFmpeg.Native;

namespace OrleansLive.Media.FFmpeg;

/// <summary>
/// A linear libavfilter graph: a source, aresample when the rate changes, aformat to the encoder's
/// sample format and layout, and abuffersink cutting frames of the encoder's size. The graph does the
/// resampling, channel mixing and re-framing, so no AVFrame field is ever written by hand.
/// </summary>
internal sealed class FilterGraph : IDisposable
{
    private readonly FilterGraphHandle _graph;
    private readonly nint _source;
    private readonly nint _sink;

    private FilterGraph(FilterGraphHandle graph, nint source, nint sink)
    {
        _graph = graph;
        _source = source;
        _sink = sink;
    }

    /// <summary>A graph fed decoded frames (abuffer, times in milliseconds).</summary>
    public static FilterGraph FromFrames(PcmFormat input, PcmFormat output, int frameSize) =>
        Build("abuffer", input.BufferArgs(), input.SampleRate, output, frameSize);

    /// <summary>A graph that generates its input (lavfi "sine"...): the known signals of tests.</summary>
    public static FilterGraph FromSource(string filter, string args, int sampleRate, PcmFormat output, int frameSize) =>
        Build(filter, args, sampleRate, output, frameSize);

    private static FilterGraph Build(string sourceFilter, string sourceArgs, int inputRate, PcmFormat output, int frameSize)
    {
        var graph = new FilterGraphHandle();
        try
        {
            var source = Add(graph, sourceFilter, "in", sourceArgs);
            var last = source;
            if (inputRate != output.SampleRate)
            {
                last = Link(last, Add(graph, "aresample", "resample", output.SampleRate.ToString(CultureInfo.InvariantCulture)));
            }

            last = Link(last, Add(graph, "aformat", "format", output.FormatArgs()));
            var sink = Link(last, Add(graph, "abuffersink", "out", null));
            Check(AvFilter.avfilter_graph_config(graph.Pointer, 0), "configure");
            if (frameSize > 0)
            {
                AvFilter.av_buffersink_set_frame_size(sink, (uint)frameSize);
            }

            return new FilterGraph(graph, source, sink);
        }
        catch
        {
            graph.Dispose();
            throw;
        }
    }

    /// <summary>Hands a decoded frame to the graph, which takes its buffers and leaves it empty.</summary>
    public int Push(FrameHandle frame) => AvFilter.av_buffersrc_add_frame(_source, frame.Pointer);

    /// <summary>The next frame of the output format and size; EAGAIN when the graph needs more input.</summary>
    public int Pull(FrameHandle frame) => AvFilter.av_buffersink_get_frame(_sink, frame.Pointer);

    public void Dispose() => _graph.Dispose();

    private static nint Add(FilterGraphHandle graph, string filterName, string name, string? args)
    {
        var filter = AvFilter.avfilter_get_by_name(filterName);
        if (filter == 0)
        {
            throw new InvalidOperationException($"FFmpeg has no {filterName} filter");
        }

        Check(AvFilter.avfilter_graph_create_filter(out var context, filter, name, args, 0, graph.Pointer), $"{filterName}={args}");
        return context;
    }

    private static nint Link(nint from, nint to)
    {
        Check(AvFilter.avfilter_link(from, 0, to, 0), "link");
        return to;
    }

    private static void Check(int ret, string what)
    {
        if (ret < 0)
        {
            throw new InvalidOperationException($"FFmpeg filter graph ({what}): {AvUtil.ErrorText(ret)}");
        }
    }
}
