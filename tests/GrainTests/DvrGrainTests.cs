using Orleans.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

public sealed class DvrGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IClusterClient _client = fixture.Client;

    private static string Key(string vhost, string stream) => StreamKey.Of(vhost, "live", stream);

    private static DvrPublish Publish(string clientId, string gatewayId) =>
        new(clientId, gatewayId, "vid-abcdefg", "10.0.0.9", "rtmp://example/live", "?token=1");

    private static DvrFile File(string path, bool closed, double duration = 0, long size = 0) =>
        new(path, "/srv", "flv", DvrPlans.Session, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), duration, size, closed, "pub00001", "gw-1");

    [Fact]
    public async Task The_vhost_dvr_settings_decide_which_publishes_are_recorded()
    {
        var cam = _client.GetGrain<IDvrGrain>(Key(ClusterFixture.DvrVhost, "cam"));
        var assignment = await cam.OnPublish(Publish("pub00001", "gw-1"));
        Assert.Equal(new DvrAssignment(DvrPlans.Segment, "/dvr/[app]/[stream].mp4", 10, true, "config"), assignment);
        Assert.True((await cam.GetStatus()).Recording);

        Assert.Null(await _client.GetGrain<IDvrGrain>(Key(ClusterFixture.DvrVhost, "not-listed")).OnPublish(Publish("pub00002", "gw-1")));
        Assert.Null(await _client.GetGrain<IDvrGrain>(Key(StreamKey.DefaultVhost, "cam" + Ids.Random(4))).OnPublish(Publish("pub00003", "gw-1")));
        Assert.Contains(Key(ClusterFixture.DvrVhost, "cam"), await _client.GetGrain<IDvrDirectoryGrain>(0).List());
    }

    [Fact]
    public async Task The_api_starts_and_stops_recording_on_the_gateway_holding_the_publisher()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var key = Key(StreamKey.DefaultVhost, "api" + Ids.Random(6));
        var dvr = _client.GetGrain<IDvrGrain>(key);
        Assert.Null(await dvr.OnPublish(Publish("pub00001", gateway.Id)));

        var started = await dvr.Start(new DvrAssignment(DvrPlans.Segment, "/rec/[stream].flv", 5, true, "api"));
        Assert.True(started.Live);
        Assert.True(started.Recording);
        Assert.True(gateway.DvrControls.TryDequeue(out var start));
        Assert.Equal(key, start.StreamKey);
        Assert.Equal("/rec/[stream].flv", start.Assignment!.Path);

        var stopped = await dvr.Stop();
        Assert.False(stopped.Recording);
        Assert.True(gateway.DvrControls.TryDequeue(out var stop));
        Assert.Null(stop.Assignment);
    }

    [Fact]
    public async Task An_api_start_without_a_publisher_records_the_next_publish_only()
    {
        var key = Key(StreamKey.DefaultVhost, "next" + Ids.Random(6));
        var dvr = _client.GetGrain<IDvrGrain>(key);
        var armed = await dvr.Start(null);
        Assert.False(armed.Live);
        Assert.False(armed.Recording);

        var assignment = await dvr.OnPublish(Publish("pub00001", "gw-1"));
        Assert.NotNull(assignment);
        Assert.Equal("api", assignment.Source);
        Assert.Equal(new DvrSettings().Path, assignment.Path);
        await dvr.OnUnpublish("pub00001");

        Assert.Null(await dvr.OnPublish(Publish("pub00002", "gw-1")));
    }

    [Fact]
    public async Task Files_are_listed_and_a_closed_file_goes_out_as_an_on_dvr_event()
    {
        var key = Key(StreamKey.DefaultVhost, "ev" + Ids.Random(6));
        var received = new TaskCompletionSource<DvrFileEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = _client.GetStreamProvider(LiveEventStreams.Provider).GetStream<DvrFileEvent>(StreamId.Create(LiveEventStreams.DvrNamespace, key));
        var subscription = await stream.SubscribeAsync((e, _) =>
        {
            received.TrySetResult(e);
            return Task.CompletedTask;
        });
        try
        {
            var dvr = _client.GetGrain<IDvrGrain>(key);
            await dvr.OnPublish(Publish("pub00001", "gw-1"));
            await dvr.FileOpened(File("./rec/a.flv", closed: false));
            Assert.False(Assert.Single((await dvr.GetStatus()).Files).Closed);
            await dvr.FileProgress(File("./rec/a.flv", closed: false, duration: 6.2, size: 2048));
            var open = Assert.Single((await dvr.GetStatus()).Files);
            Assert.Equal((6.2, 2048L, false), (open.Duration, open.Size, open.Closed));

            await dvr.FileClosed(File("./rec/a.flv", closed: true, duration: 12.5, size: 4096));
            // A progress report that arrives after the close does not reopen the entry.
            await dvr.FileProgress(File("./rec/a.flv", closed: false, duration: 12.4, size: 4000));
            var file = Assert.Single((await dvr.GetStatus()).Files);
            Assert.True(file.Closed);
            Assert.Equal(4096, file.Size);

            var evt = await received.Task.WaitAsync(TestTimeouts.Deadline);
            var name = key.Split('/')[2];
            Assert.Equal(new StreamEventSource("__defaultVhost__", "live", name, "/live/" + name, "vid-abcdefg", "pub00001", "10.0.0.9", "rtmp://example/live", "?token=1", "gw-1"), evt.Source);
            Assert.Equal(("./rec/a.flv", "/srv", 12.5, 4096L), (evt.File, evt.Cwd, evt.Duration, evt.Size));
            Assert.Contains(key, await _client.GetGrain<IDvrDirectoryGrain>(0).List());
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task A_file_its_dead_gateway_left_open_is_ended_once_its_reports_stop_and_the_lease_is_gone()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var key = Key(StreamKey.DefaultVhost, "orphan" + Ids.Random(6));
        var received = new TaskCompletionSource<DvrFileEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = _client.GetStreamProvider(LiveEventStreams.Provider).GetStream<DvrFileEvent>(StreamId.Create(LiveEventStreams.DvrNamespace, key));
        var subscription = await stream.SubscribeAsync((e, _) =>
        {
            received.TrySetResult(e);
            return Task.CompletedTask;
        });
        try
        {
            Assert.True((await _client.GetGrain<IStreamGrain>(key).AcquirePublish(new PublishClaim("pub00001", gateway.Id, "10.0.0.9", "rtmp://example/live", ""))).Granted);
            gateway.StartReporting(key, "pub00001");
            var dvr = _client.GetGrain<IDvrGrain>(key);
            await dvr.OnPublish(Publish("pub00001", gateway.Id));
            var file = File("./rec/o.mp4", closed: false) with { GatewayId = gateway.Id };
            await dvr.FileOpened(file);

            // While the recorder reports and its publisher holds the lease, the file stays open past the silence bound.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var duration = 0.0;
            while (clock.Elapsed < TimeSpan.FromSeconds(7))
            {
                await dvr.FileProgress(file with { Duration = duration += 0.5, Size = 1000 + (long)(duration * 1000) });
                // A recorder's report rate, not a wait for a condition.
                await Task.Delay(500);
            }
            Assert.False(Assert.Single((await dvr.GetStatus()).Files).Closed);

            // The gateway dies: no more reports, no heartbeat, the lease lapses; the entry is ended with what was last reported.
            gateway.StopReporting();
            gateway.StopHeartbeats();
            await Eventually.True(async () => Assert.Single((await dvr.GetStatus()).Files).Closed, "the orphaned file ended");
            var ended = Assert.Single((await dvr.GetStatus()).Files);
            Assert.Equal((duration, 1000 + (long)(duration * 1000)), (ended.Duration, ended.Size));
            Assert.False((await dvr.GetStatus()).Live);
            var evt = await received.Task.WaitAsync(TestTimeouts.Deadline);
            Assert.Equal(("./rec/o.mp4", duration), (evt.File, evt.Duration));

            // The gateway's own close, had it come late (a partition that healed), corrects the entry without a second event.
            await dvr.FileClosed(file with { Closed = true, Duration = duration + 1, Size = 9999 });
            Assert.Equal(9999, Assert.Single((await dvr.GetStatus()).Files).Size);
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task A_closed_hls_segment_goes_out_as_an_on_hls_event()
    {
        var key = Key(StreamKey.DefaultVhost, "hls" + Ids.Random(6));
        var received = new TaskCompletionSource<HlsSegmentEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = _client.GetStreamProvider(LiveEventStreams.Provider).GetStream<HlsSegmentEvent>(StreamId.Create(LiveEventStreams.HlsNamespace, key));
        var subscription = await stream.SubscribeAsync((e, _) =>
        {
            received.TrySetResult(e);
            return Task.CompletedTask;
        });
        try
        {
            var source = new StreamEventSource("__defaultVhost__", "live", "s", "/live/s", "vid-abcdefg", "pub00001", "10.0.0.9", "rtmp://example/live", "", "gw-1");
            var segment = new HlsSegmentEvent(source, 2.0, "/srv", "./objs/nginx/html/live/s-3.ts", "s-3.ts", "./objs/nginx/html/live/s.m3u8", "live/s.m3u8", 3, false, DateTime.UtcNow);
            await _client.GetGrain<IHlsGrain>(key).SegmentClosed(segment);

            Assert.Equal(segment, await received.Task.WaitAsync(TestTimeouts.Deadline));
            Assert.Equal(segment, Assert.Single(await _client.GetGrain<IHlsGrain>(key).RecentSegments()));
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }
}
