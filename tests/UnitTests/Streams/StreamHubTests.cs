using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.UnitTests.Streams;

public sealed class StreamHubTests
{
    private static StreamHub NewHub(bool gopCache = true) => new("__defaultVhost__", "live", "s", new StreamHubOptions(gopCache));

    private static void Publish(StreamHub hub, MediaFrame frame)
    {
        hub.Publish(frame);
        frame.Release();
    }

    private static List<MediaFrame> Drain(PlayerQueue queue)
    {
        var batch = new List<MediaFrame>();
        queue.Drain(batch, int.MaxValue);
        return batch;
    }

    [Fact]
    public void A_new_player_gets_metadata_sequence_headers_and_the_last_gop()
    {
        var hub = NewHub();
        Assert.True(hub.TryAttachPublisher("pub"));
        Publish(hub, MediaFrame.Copy(FrameTypes.Script, 0, [0x02, 0x00, 0x01, (byte)'x']));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x00]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Audio, 0, [0xAF, 0x00]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x01]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 40, [0x27, 0x01]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 2000, [0x17, 0x01]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Audio, 2010, [0xAF, 0x01]));

        var player = new PlayerQueue("p", new PlayerQueueLimits());
        hub.AddPlayer(player);
        var got = Drain(player);
        Assert.Equal(5, got.Count);
        Assert.True(got[0].IsScript);
        Assert.True(got[1].IsSequenceHeader && got[1].IsVideo);
        Assert.True(got[2].IsSequenceHeader && got[2].IsAudio);
        Assert.True(got[3].IsKeyframe);
        Assert.Equal(2000u, got[3].Timestamp);
        Assert.Equal(2010u, got[4].Timestamp);
        foreach (var f in got)
        {
            f.Release();
        }
    }

    [Fact]
    public void A_gop_over_the_byte_bound_is_not_cached()
    {
        var hub = new StreamHub("__defaultVhost__", "live", "s", new StreamHubOptions(GopCacheMaxBytes: 10_000));
        hub.TryAttachPublisher("pub");
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x00]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x01, .. new byte[4000]]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 40, [0x27, 0x01, .. new byte[4000]]));
        // The third frame would take the GOP past 10,000 bytes: the cache lets it go and waits for the next keyframe.
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 80, [0x27, 0x01, .. new byte[4000]]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 120, [0x27, 0x01]));

        var late = new PlayerQueue("p", new PlayerQueueLimits());
        hub.AddPlayer(late);
        var got = Drain(late);
        Assert.True(Assert.Single(got).IsSequenceHeader);
        got[0].Release();

        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 2000, [0x17, 0x01]));
        var next = new PlayerQueue("q", new PlayerQueueLimits());
        hub.AddPlayer(next);
        got = Drain(next);
        Assert.Equal(2, got.Count);
        Assert.Equal(2000u, got[1].Timestamp);
        foreach (var f in got)
        {
            f.Release();
        }
    }

    [Fact]
    public void Without_gop_cache_a_new_player_waits_for_the_next_keyframe()
    {
        var hub = NewHub(gopCache: false);
        hub.TryAttachPublisher("pub");
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x00]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x01]));
        var player = new PlayerQueue("p", new PlayerQueueLimits());
        hub.AddPlayer(player);
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 40, [0x27, 0x01]));
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 80, [0x17, 0x01]));
        var got = Drain(player);
        Assert.Equal(2, got.Count);
        Assert.True(got[0].IsSequenceHeader);
        Assert.Equal(80u, got[1].Timestamp);
        foreach (var f in got)
        {
            f.Release();
        }
    }

    [Fact]
    public async Task Every_player_shares_the_same_frame_and_ends_when_the_publisher_leaves()
    {
        var hub = NewHub();
        hub.TryAttachPublisher("pub");
        Assert.False(hub.TryAttachPublisher("other"));
        var a = new PlayerQueue("a", new PlayerQueueLimits());
        var b = new PlayerQueue("b", new PlayerQueueLimits());
        hub.AddPlayer(a);
        hub.AddPlayer(b);
        var frame = MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x01]);
        hub.Publish(frame);
        var fromA = Drain(a);
        var fromB = Drain(b);
        Assert.Same(frame, fromA.Single());
        Assert.Same(frame, fromB.Single());

        hub.DetachPublisher("pub");
        Assert.Equal(PlayerEnd.Unpublished, a.End);
        Assert.False(await a.WaitAsync());
        Assert.Equal(0, hub.PlayerCount);
        Assert.True(hub.TryAttachPublisher("other"));
        fromA[0].Release();
        fromB[0].Release();
        frame.Release();
        // All references are gone: the GOP cache was cleared on unpublish.
        Assert.Throws<InvalidOperationException>(frame.Release);
    }
}
