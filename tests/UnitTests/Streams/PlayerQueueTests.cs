using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.UnitTests.Streams;

public sealed class PlayerQueueTests
{
    private static MediaFrame Video(uint ts, bool key = false, int size = 100) =>
        MediaFrame.Copy(FrameTypes.Video, ts, [(byte)(key ? 0x17 : 0x27), 0x01, .. new byte[Math.Max(0, size - 2)]]);

    private static List<MediaFrame> DrainAll(PlayerQueue queue)
    {
        var batch = new List<MediaFrame>();
        queue.Drain(batch, int.MaxValue);
        return batch;
    }

    [Fact]
    public void Frames_are_queued_by_reference_in_order()
    {
        var queue = new PlayerQueue("p", new PlayerQueueLimits());
        var a = Video(0, key: true);
        var b = Video(40);
        queue.Enqueue(a, randomAccess: true);
        queue.Enqueue(b, randomAccess: false);
        var drained = DrainAll(queue);
        Assert.Equal([a, b], drained);
        foreach (var f in drained)
        {
            f.Release();
        }
        a.Release();
        b.Release();
    }

    [Fact]
    public void A_lagging_player_skips_ahead_to_the_next_keyframe_keeping_sequence_headers()
    {
        var queue = new PlayerQueue("p", new PlayerQueueLimits(MaxLagMilliseconds: 1000, MaxSkipsPerMinute: 10));
        var header = MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x00]);
        queue.Enqueue(header, randomAccess: true);
        for (uint ts = 0; ts <= 1040; ts += 40)
        {
            var f = Video(ts, key: ts == 0);
            queue.Enqueue(f, randomAccess: ts == 0);
            f.Release();
        }
        Assert.Equal(1, queue.Skips);

        // Non-keyframes are dropped until the next keyframe arrives.
        var late = Video(1080);
        queue.Enqueue(late, randomAccess: false);
        late.Release();
        var key = Video(1120, key: true);
        queue.Enqueue(key, randomAccess: true);
        key.Release();

        var drained = DrainAll(queue);
        Assert.Equal(2, drained.Count);
        Assert.Same(header, drained[0]);
        Assert.True(drained[1].IsKeyframe);
        Assert.Equal(1120u, drained[1].Timestamp);
        foreach (var f in drained)
        {
            f.Release();
        }
        header.Release();
    }

    [Fact]
    public async Task A_player_that_keeps_lagging_is_dropped_and_its_frames_released()
    {
        var queue = new PlayerQueue("p", new PlayerQueueLimits(MaxLagMilliseconds: 100, MaxSkipsPerMinute: 2));
        var frames = new List<MediaFrame>();
        for (uint ts = 0; ts < 2000; ts += 40)
        {
            var f = Video(ts, key: ts % 200 == 0);
            frames.Add(f);
            queue.Enqueue(f, randomAccess: f.IsKeyframe);
        }
        Assert.Equal(PlayerEnd.TooSlow, queue.End);
        Assert.False(await queue.WaitAsync());
        // Only the test's own references remain: one release each returns them without error.
        foreach (var f in frames)
        {
            f.Release();
            Assert.Throws<InvalidOperationException>(f.Release);
        }
    }

    [Fact]
    public void Byte_bound_triggers_a_skip_even_without_timestamps_moving()
    {
        var queue = new PlayerQueue("p", new PlayerQueueLimits(MaxBytes: 1000, MaxSkipsPerMinute: 10));
        for (var i = 0; i < 11; i++)
        {
            var f = Video(0, key: i == 0, size: 100);
            queue.Enqueue(f, randomAccess: i == 0);
            f.Release();
        }
        Assert.Equal(1, queue.Skips);
        Assert.Empty(DrainAll(queue));
    }

    [Fact]
    public async Task Unpublish_delivers_queued_frames_then_ends()
    {
        var queue = new PlayerQueue("p", new PlayerQueueLimits());
        var f = Video(0, key: true);
        queue.Enqueue(f, randomAccess: true);
        f.Release();
        queue.Complete(PlayerEnd.Unpublished);
        Assert.True(await queue.WaitAsync());
        var drained = DrainAll(queue);
        Assert.Single(drained);
        drained[0].Release();
        Assert.False(await queue.WaitAsync());
    }

    [Fact]
    public async Task Waiting_send_loop_wakes_on_enqueue()
    {
        var queue = new PlayerQueue("p", new PlayerQueueLimits());
        var wait = queue.WaitAsync().AsTask();
        Assert.False(wait.IsCompleted);
        var f = Video(0, key: true);
        queue.Enqueue(f, randomAccess: true);
        f.Release();
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        foreach (var d in DrainAll(queue))
        {
            d.Release();
        }
    }
    [Fact]
    public async Task With_audio_merging_audio_waits_for_the_next_video_frame_or_the_merge_limit()
    {
        var queue = new PlayerQueue("p", new PlayerQueueLimits(MergeAudioMilliseconds: 40));
        static MediaFrame Audio(uint ts) => MediaFrame.Copy(FrameTypes.Audio, ts, new byte[10]);
        void Enqueue(MediaFrame frame)
        {
            queue.Enqueue(frame, randomAccess: false);
            frame.Release();
        }

        var wait = queue.WaitAsync().AsTask();
        Enqueue(Audio(0));
        Enqueue(Audio(23));
        Assert.False(wait.IsCompleted);
        Enqueue(Video(30));
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        var drained = DrainAll(queue);
        Assert.Equal([FrameTypes.Audio, FrameTypes.Audio, FrameTypes.Video], drained.Select(f => f.Type));
        drained.ForEach(f => f.Release());

        // Without video the oldest queued audio frame bounds the wait.
        wait = queue.WaitAsync().AsTask();
        Enqueue(Audio(46));
        Enqueue(Audio(69));
        Assert.False(wait.IsCompleted);
        Enqueue(Audio(92));
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        drained = DrainAll(queue);
        Assert.Equal(3, drained.Count);
        drained.ForEach(f => f.Release());
    }

    [Fact]
    public async Task With_a_merged_write_window_frames_go_out_together_once_the_oldest_is_that_old()
    {
        var queue = new PlayerQueue("p", new PlayerQueueLimits()) { MergesWrites = true, MergeWindowMilliseconds = 350 };
        void Enqueue(MediaFrame frame, bool randomAccess = false)
        {
            queue.Enqueue(frame, randomAccess);
            frame.Release();
        }

        // The player's first frames are not held: nothing was sent yet.
        var wait = queue.WaitAsync().AsTask();
        Enqueue(Video(0, key: true), randomAccess: true);
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        DrainAll(queue).ForEach(f => f.Release());
        queue.AddSent(100);

        // Then video and audio wait until the oldest queued frame is 350 ms older than the newest.
        wait = queue.WaitAsync().AsTask();
        for (uint ts = 40; ts < 40 + 350; ts += 40)
        {
            Enqueue(Video(ts));
            Enqueue(MediaFrame.Copy(FrameTypes.Audio, ts + 3, new byte[10]));
            Assert.False(wait.IsCompleted, $"held at {ts} ms");
        }
        Enqueue(Video(400));
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(19, DrainAll(queue).Select(f => { f.Release(); return f; }).Count());

        // A sequence header is never held.
        wait = queue.WaitAsync().AsTask();
        Enqueue(Video(440));
        Assert.False(wait.IsCompleted);
        Enqueue(MediaFrame.Copy(FrameTypes.Video, 480, [0x17, 0x00, 0, 0, 0]), randomAccess: true);
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(2, DrainAll(queue).Select(f => { f.Release(); return f; }).Count());

        // A stream that pauses: what is queued goes out by the clock.
        wait = queue.WaitAsync().AsTask();
        Enqueue(Video(520));
        Assert.False(wait.IsCompleted);
        Assert.True(await wait.WaitAsync(TimeSpan.FromSeconds(10)), "flushed by the clock");
        Assert.Single(DrainAll(queue)).Release();
        queue.Complete(PlayerEnd.Closed);
    }
}
