using System.Buffers;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.UnitTests.MpegTs;
using OrleansLive.UnitTests.Recording;

namespace OrleansLive.UnitTests.Streams;

/// <summary>Each protocol's wire form of a frame is built once, whatever the number of players.</summary>
public sealed class WireFormBuildTests
{
    private const int Players = 20;

    private static StreamHub NewHub() => new("__defaultVhost__", "live", "s", new StreamHubOptions());

    private static List<MediaFrame> Drain(PlayerQueue queue)
    {
        var batch = new List<MediaFrame>();
        queue.Drain(batch, int.MaxValue);
        return batch;
    }

    [Fact]
    public void Rtmp_players_share_one_chunked_form_per_frame()
    {
        var hub = NewHub();
        var players = Enumerable.Range(0, Players).Select(i => new PlayerQueue($"p{i}", new PlayerQueueLimits())).ToList();
        players.ForEach(hub.AddPlayer);
        var published = SyntheticStream.Publish(2).ToList();
        foreach (var frame in published)
        {
            hub.Publish(frame);
        }
        var forms = players.Select(p => Drain(p).Select(f => RtmpWireForm.Of(f, 60000)).ToList()).ToList();

        Assert.All(published, f => Assert.Equal(1, f.WireFormBuilds));
        Assert.All(forms, list => Assert.Equal(forms[0], list)); // the very same objects
    }

    [Fact]
    public void Rtsp_players_share_one_rtp_form_per_frame_aac_included()
    {
        var hub = NewHub();
        var players = Enumerable.Range(0, Players).Select(i => new PlayerQueue($"p{i}", new PlayerQueueLimits()) { AudioFamily = AudioFamily.Source }).ToList();
        players.ForEach(hub.AddPlayer);
        var published = SyntheticStream.Publish(2).ToList();
        foreach (var frame in published)
        {
            hub.Publish(frame);
        }
        var config = RtpVideoConfig.Of(published.First(f => f.IsVideo && f.IsSequenceHeader));
        Assert.NotNull(config);
        var media = published.Where(f => !f.IsSequenceHeader && (f.IsVideo || f.IsAudio)).ToList();
        var forms = players.Select(p => Drain(p).Where(media.Contains)
            .Select(f => f.IsVideo ? RtpWireForm.Of(f, config) : RtpWireForm.OfAac(f, 44100)).ToList()).ToList();

        Assert.All(media, f => Assert.Equal(1, f.WireFormBuilds));
        Assert.All(forms, list => Assert.Equal(forms[0], list)); // the very same objects
        Assert.All(forms[0], form => Assert.NotEmpty(form.Packets));
        var aac = forms[0].First(form => form.ClockRate == 44100);
        Assert.Equal(0x10, aac.Packets[0][Media.Rtp.RtpHeader.FixedSize + 1]); // one 16-bit AU header
    }

    [Fact]
    public void Ts_players_share_one_mux_per_stream_and_get_a_stream_ffprobe_style_readers_accept()
    {
        var hub = NewHub();
        var published = SyntheticStream.Publish(4, gop: 25).ToList();
        // Half the stream goes by before anyone asks for TS: the first TS player starts the muxer on the cached GOP.
        var half = published.Count / 2;
        foreach (var frame in published.Take(half))
        {
            hub.Publish(frame);
        }
        var players = Enumerable.Range(0, Players).Select(i => new PlayerQueue($"ts{i}", new PlayerQueueLimits()) { ReadsTsForm = true }).ToList();
        players.ForEach(hub.AddPlayer);
        foreach (var frame in published.Skip(half))
        {
            hub.Publish(frame);
        }
        var outputs = players.Select(p =>
        {
            var output = new ArrayBufferWriter<byte>();
            foreach (var frame in Drain(p))
            {
                Assert.NotNull(frame.TsForm);
                output.Write(frame.TsForm!.Packets.Span);
            }
            return output.WrittenSpan.ToArray();
        }).ToList();

        Assert.All(published.Skip(half), f => Assert.Equal(1, f.WireFormBuilds));
        Assert.All(outputs, o => Assert.Equal(outputs[0], o));
        var reader = DemuxHarness.Demux(outputs[0]);
        var pes = reader.Pes;
        Assert.Equal(0, reader.SyncErrors);
        Assert.Equal(0, reader.Demuxer.Counters.CrcErrors);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.True(reader.Demuxer.Counters.PatCount > 0 && reader.Demuxer.Counters.PmtCount > 0);
        // Every video frame from the cached GOP's keyframe on, and the audio beside it.
        var videoFrames = published.Skip(half).Count(f => f.IsVideo && !f.IsSequenceHeader)
            + published.Take(half).SkipWhile(f => f != published.Take(half).Last(g => g.IsKeyframe)).Count(f => f.IsVideo);
        Assert.Equal(videoFrames, pes.Count(p => p.Pid == TsMuxer.VideoPid));
    }

    [Fact]
    public void The_ts_muxer_stops_with_the_last_ts_player()
    {
        var hub = NewHub();
        var player = new PlayerQueue("ts", new PlayerQueueLimits()) { ReadsTsForm = true };
        hub.AddPlayer(player);
        var first = SyntheticStream.Video(0, key: true);
        hub.Publish(first);
        hub.RemovePlayer(player);
        var second = SyntheticStream.Video(40, key: false);
        hub.Publish(second);

        Assert.NotNull(first.TsForm);
        Assert.Null(second.TsForm);
        Assert.Equal(0, second.WireFormBuilds);
    }
}
