using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.UnitTests.Streams;

/// <summary>The media hot path allocates per frame (the shared frame and its RTMP form), never per player.</summary>
public sealed class FanOutAllocationTests
{
    [Fact]
    public void Fanning_frames_out_to_a_hundred_players_allocates_nothing_per_player()
    {
        const int Players = 100;
        var hub = new StreamHub("v", "live", "s", new StreamHubOptions(GopCache: false));
        var players = Enumerable.Range(0, Players).Select(i => new PlayerQueue("p" + i, new PlayerQueueLimits())).ToArray();
        foreach (var player in players)
        {
            hub.AddPlayer(player);
        }
        var batch = new List<MediaFrame>(64);
        var segments = new List<ArraySegment<byte>>(128);
        var payload = new byte[2000];
        payload[0] = 0x27;
        var sent = 0L;

        void Round(uint timestamp)
        {
            var frame = MediaFrame.Copy(FrameTypes.Video, timestamp, payload);
            hub.Publish(frame);
            frame.Release();
            foreach (var player in players)
            {
                // What the RTMP send loop does between wake-up and socket send.
                player.Drain(batch, 256 * 1024);
                foreach (var queued in batch)
                {
                    var form = queued.GetRtmpForm(60000);
                    segments.AddRange(form.Segments);
                    sent += form.TotalBytes;
                    queued.Release();
                }
                batch.Clear();
                segments.Clear();
            }
        }

        for (uint i = 0; i < 200; i++)
        {
            Round(i * 40);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (uint i = 200; i < 400; i++)
        {
            Round(i * 40);
        }
        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / 200.0;

        Assert.True(sent > 0);
        Assert.True(perFrame < 1024, $"{perFrame:0} bytes allocated per frame fanned out to {Players} players");
    }
}
