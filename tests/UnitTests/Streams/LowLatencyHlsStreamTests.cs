using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.UnitTests.Streams;

public class LowLatencyHlsStreamTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static LowLatencyHlsStream Live(TimeSpan? hold = null, int maxHeld = LowLatencyHlsStream.MaxHeldRequests)
    {
        var live = new LowLatencyHlsStream("s", 1, 0.2, 12, hold, maxHeld);
        live.AddInit([1, 2, 3]);
        live.BeginSegment(Start, discontinuity: false);
        return live;
    }

    [Fact]
    public async Task A_blocking_reload_is_held_until_its_part_exists_and_gets_the_playlist_with_it()
    {
        var live = Live();
        live.AddPart([10], 0.2, true);

        var held = live.PlaylistAsync(0, 1, skip: false, "", CancellationToken.None);
        Assert.False(held.IsCompleted);
        Assert.Equal(1, live.HeldRequests);

        live.AddPart([11], 0.2, false);
        var (answer, text) = await held.WaitAsync(Deadline);
        Assert.Equal(LowLatencyAnswer.Ok, answer);
        Assert.Contains("URI=\"s-ll-0.1.m4s\"", text);
        Assert.Contains("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s-ll-0.2.m4s\"", text);
        Assert.Equal(0, live.HeldRequests);
    }

    [Fact]
    public async Task A_request_too_far_ahead_is_refused_at_once_and_one_never_met_times_out()
    {
        var live = Live(hold: TimeSpan.FromMilliseconds(50));

        Assert.Equal(LowLatencyAnswer.BadRequest, (await live.PlaylistAsync(5, null, false, "", CancellationToken.None)).Answer);
        Assert.Equal(LowLatencyAnswer.BadRequest, (await live.PlaylistAsync(null, 2, false, "", CancellationToken.None)).Answer);
        Assert.Equal(LowLatencyAnswer.Unavailable, (await live.PlaylistAsync(0, 0, false, "", CancellationToken.None).WaitAsync(Deadline)).Answer);
        Assert.Equal(0, live.HeldRequests);
    }

    [Fact]
    public async Task Held_requests_are_bounded_and_answered_when_the_publish_ends()
    {
        var live = Live(maxHeld: 2);
        var first = live.PlaylistAsync(0, 0, false, "", CancellationToken.None);
        var second = live.ResourceAsync("s-ll-0.0.m4s", CancellationToken.None);

        Assert.Equal(LowLatencyAnswer.Unavailable, (await live.PlaylistAsync(0, 0, false, "", CancellationToken.None)).Answer);

        live.End();
        var (answer, text) = await first.WaitAsync(Deadline);
        Assert.Equal(LowLatencyAnswer.Ok, answer);
        Assert.EndsWith("#EXT-X-ENDLIST\n", text);
        Assert.Equal(LowLatencyAnswer.NotFound, (await second.WaitAsync(Deadline)).Answer);
    }

    [Fact]
    public async Task A_cancelled_request_stops_being_held()
    {
        var live = Live();
        using var cancel = new CancellationTokenSource();
        var held = live.PlaylistAsync(0, 3, false, "", cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(Deadline));
        Assert.Equal(0, live.HeldRequests);
    }

    [Fact]
    public async Task The_preload_hinted_part_is_served_once_written_and_a_segment_is_its_parts_in_order()
    {
        var live = Live();
        var hinted = live.ResourceAsync("s-ll-0.0.m4s", CancellationToken.None);
        Assert.False(hinted.IsCompleted);

        live.AddPart([1, 2], 0.2, true);
        var (answer, bytes) = await hinted.WaitAsync(Deadline);
        Assert.Equal(LowLatencyAnswer.Ok, answer);
        Assert.Equal([1, 2], bytes);

        live.AddPart([3], 0.2, false);
        live.BeginSegment(Start.AddSeconds(0.4), discontinuity: false);
        Assert.Equal([1, 2, 3], (await live.ResourceAsync("s-ll-0.m4s", CancellationToken.None)).Bytes);
        Assert.Equal([1, 2, 3], (await live.ResourceAsync("s-ll-init0.mp4", CancellationToken.None)).Bytes);
        Assert.Equal(LowLatencyAnswer.NotFound, (await live.ResourceAsync("s-ll-9.m4s", CancellationToken.None)).Answer);
        Assert.Equal(LowLatencyAnswer.NotFound, (await live.ResourceAsync("other.m4s", CancellationToken.None)).Answer);
    }

    [Fact]
    public void The_registry_finds_a_playlist_and_its_resources_by_vhost_and_path()
    {
        var registry = new LowLatencyHlsStreams();
        var live = Live();
        registry.Add("v", "live/a-ll-b.m3u8", live);

        Assert.Same(live, registry.Playlist("v", "/live/a-ll-b.m3u8"));
        Assert.Null(registry.Playlist("w", "live/a-ll-b.m3u8"));
        var resource = registry.Resource("v", "live/a-ll-b-ll-3.1.m4s");
        Assert.NotNull(resource);
        Assert.Same(live, resource.Value.Stream);
        Assert.Equal("a-ll-b-ll-3.1.m4s", resource.Value.Name);
        Assert.Null(registry.Resource("v", "live/a-3.m4s"));

        registry.Remove("v", "live/a-ll-b.m3u8", live);
        Assert.Null(registry.Playlist("v", "live/a-ll-b.m3u8"));
    }
}
