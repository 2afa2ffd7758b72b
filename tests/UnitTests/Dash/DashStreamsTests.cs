using Microsoft.Extensions.Logging.Abstractions;
using OrleansLive.GatewayEdge.Recording.Dash;
using OrleansLive.Interfaces;
using OrleansLive.UnitTests.Recording;

namespace OrleansLive.UnitTests.Dash;

public class DashStreamsTests
{
    private const string MpdFile = "/mem/dash/live/cam.mpd";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly MemoryFileSystem _files = new();

    private DashStreamState Publish(DashStreams streams)
    {
        var state = streams.Acquire(MpdFile)!;
        var segmenter = new DashSegmenter(new DashSettings(Enabled: true, Fragment: 2, Path: "/mem/dash"), StreamKey.DefaultVhost, "live", "cam",
            state, _files, new ListLogger(), () => DateTimeOffset.UnixEpoch);
        foreach (var frame in SyntheticStream.Publish(4))
        {
            segmenter.Write(frame);
            frame.Release();
        }
        segmenter.Flush();
        segmenter.Finish();
        return state;
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    [Fact]
    public void One_publish_at_a_time_writes_an_mpd()
    {
        var streams = new DashStreams(_files, NullLogger<DashStreams>.Instance);
        var state = streams.Acquire(MpdFile);
        Assert.NotNull(state);
        Assert.Null(streams.Acquire(MpdFile));
        streams.Release(state, TimeSpan.Zero);
        Assert.Same(state, streams.Acquire(MpdFile));
    }

    [Fact]
    public async Task Dispose_removes_the_mpd_and_every_segment_after_the_stream_is_gone()
    {
        var streams = new DashStreams(_files, NullLogger<DashStreams>.Instance);
        var state = Publish(streams);
        Assert.True(_files.Exists(MpdFile));
        Assert.NotEmpty(_files.Named(".m4s"));

        streams.Release(state, TimeSpan.FromMilliseconds(50));
        await UntilAsync(() => _files.Files.IsEmpty, "every DASH file removed");
    }

    [Fact]
    public void A_republish_before_dispose_cancels_it()
    {
        var streams = new DashStreams(_files, NullLogger<DashStreams>.Instance);
        var state = Publish(streams);
        streams.Release(state, TimeSpan.FromMinutes(1));
        var pending = state.Disposal;
        Assert.NotNull(pending);

        Assert.Same(state, streams.Acquire(MpdFile));
        Assert.True(pending.IsCancellationRequested);
        Assert.Null(state.Disposal);
        Assert.True(_files.Exists(MpdFile));
    }
}
