using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Recording.Dash;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.Benchmarks;

/// <summary>
/// The DASH segmenter over one GOP of the 500 kbit/s stream (135 frames), per frame: both tracks'
/// fMP4 fragments, the segment cut at the GOP's keyframe with its renames, and one MPD rebuilt per
/// GOP (1 s fragments), onto a file system that discards what it is given, so the disk is not timed.
/// </summary>
[MemoryDiagnoser]
public class DashBenchmarks
{
    private const int Frames = 135;

    private MediaFrame[] _gop = null!;
    private DashSegmenter _segmenter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gop = [.. SyntheticMedia.Gop().Select(f => MediaFrame.Copy(f.Type, f.Timestamp, f.Body))];
        var settings = new DashSettings(Enabled: true, Fragment: 1, Path: "/bench");
        _segmenter = new DashSegmenter(settings, StreamKey.DefaultVhost, "live", "bench", new DashStreamState("/bench/live/bench.mpd"),
            new DiscardingFileSystem(), NullLogger.Instance);
        _segmenter.Write(MediaFrame.Copy(FrameTypes.Video, 0, SyntheticMedia.AvcSequenceHeader()));
        _segmenter.Write(MediaFrame.Copy(FrameTypes.Audio, 0, SyntheticMedia.AacSequenceHeader()));
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public void DashSegment()
    {
        // The same GOP again: the segmenter's jitter correction continues the timeline past it.
        foreach (var frame in _gop)
        {
            _segmenter.Write(frame);
        }
        _segmenter.Flush();
    }

    private sealed class DiscardingFileSystem : IMediaFileSystem
    {
        public Stream Create(string path) => Stream.Null;

        public void Move(string from, string to)
        {
        }

        public void Delete(string path)
        {
        }

        public bool Exists(string path) => false;
    }
}
