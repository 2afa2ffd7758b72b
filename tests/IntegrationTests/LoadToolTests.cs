using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.LoadTool;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.IntegrationTests;

/// <summary>The load tool (tests/LoadTool) at a tiny size against the real server: it must see frames
/// on every player and measure latency. The benchmark itself (infra/bench) is not part of the test run.</summary>
[Collection(ServerCollection.Name)]
public sealed class LoadToolTests(ServerFixture server)
{
    [Fact]
    public async Task Load_tool_publishes_and_every_rtmp_and_http_flv_player_gets_frames_and_a_latency()
    {
        var stream = "load" + Ids.Random(5);
        var options = LoadOptions.Parse(
        [
            "--url", server.RtmpUrl("live", stream),
            "--flv-url", server.FlvUrl("live", stream),
            "--publish", "--bitrate", "500k",
            "--rtmp-players", "5", "--flv-players", "5",
            "--duration", "3", "--warmup", "0",
            "--connect-timeout", "30",
            "--label", "test",
        ]);
        var log = new StringWriter();

        var result = await new LoadRunner(options, log).RunAsync().WaitAsync(TimeSpan.FromSeconds(120));

        var report = ReportTable.Summary(result) + log;
        Assert.True(result.PublishersStarted == 1, report);
        Assert.True(result.PlayersFailed == 0 && result.PlayersDropped == 0, report);
        Assert.True(result.PlayersGotFrames == 10, report);
        foreach (var kind in new[] { "rtmp", "flv" })
        {
            var totals = Assert.Single(result.Kinds, k => k.Kind == kind);
            Assert.Equal(5, totals.Players);
            Assert.True(totals.GotFrames == 5, report);
            Assert.True(totals.VideoFrames >= 5 * 25 && totals.AudioFrames > 0, report);
        }
        Assert.True(result.Latency.Count > 0, report);
        Assert.NotNull(result.Latency.P50);
        Assert.NotNull(result.Latency.P99);
        Assert.True(result.Latency.P99 >= result.Latency.P50, report);
        Assert.NotNull(result.TimeToFirstFrame.P50);
        Assert.True(result.DeliveredMbps > 0, report);
        Assert.NotEmpty(result.Seconds);
        Assert.Contains("| test | 10 |", ReportTable.Markdown([result]));
    }

    [Fact]
    public async Task Load_tool_http_ts_players_demux_every_frame_and_read_the_latency_stamp()
    {
        var stream = "loadts" + Ids.Random(5);
        var options = LoadOptions.Parse(
        [
            "--url", server.RtmpUrl("live", stream),
            "--ts-url", server.FlvUrl("live", stream)[..^".flv".Length] + ".ts",
            "--publish", "--bitrate", "500k",
            "--ts-players", "3",
            "--duration", "3", "--warmup", "0",
            "--connect-timeout", "30",
            "--label", "ts-test",
        ]);
        var log = new StringWriter();

        var result = await new LoadRunner(options, log).RunAsync().WaitAsync(TimeSpan.FromSeconds(120));

        var report = ReportTable.Summary(result) + log;
        Assert.True(result.PublishersStarted == 1, report);
        Assert.Equal(3, result.TsPlayers);
        Assert.True(result.PlayersFailed == 0 && result.PlayersDropped == 0, report);
        var totals = Assert.Single(result.Kinds);
        Assert.Equal(("ts", 3), (totals.Kind, totals.Players));
        Assert.True(totals.GotFrames == 3, report);
        Assert.True(totals.VideoFrames >= 3 * 25 && totals.AudioFrames > 0, report);
        // Frames stamped after the players asked to play carry a latency: nearly every live frame does.
        Assert.True(result.Latency.Count >= 3 * 25, report);
        Assert.True(result.Latency.P99 >= result.Latency.P50, report);
        Assert.NotNull(result.TimeToFirstFrame.P50);
        Assert.DoesNotContain(result.Errors, e => e.Contains("damaged TS", StringComparison.Ordinal));
        Assert.All(result.Seconds, s => Assert.Equal(0, s.RtmpPlaying + s.FlvPlaying));
        Assert.Contains("| ts-test | 3 |", ReportTable.Markdown([result]));
    }

    [Fact]
    public async Task Load_tool_publishes_over_srt_and_every_srt_player_demuxes_frames_and_reads_the_latency_stamp()
    {
        var stream = "loadsrt" + Ids.Random(5);
        var options = LoadOptions.Parse(
        [
            "--url", server.RtmpUrl("live", stream),
            "--srt-url", server.SrtUrl("live", stream, publish: false),
            "--srt-publish", "--bitrate", "500k",
            "--srt-players", "3",
            "--duration", "3", "--warmup", "0",
            "--connect-timeout", "30",
            "--label", "srt-test",
        ]);
        var log = new StringWriter();

        var result = await new LoadRunner(options, log).RunAsync().WaitAsync(TimeSpan.FromSeconds(120));

        var report = ReportTable.Summary(result) + log;
        Assert.True(result.PublishersStarted == 1, report);
        Assert.Equal(3, result.SrtPlayers);
        Assert.True(result.PlayersFailed == 0 && result.PlayersDropped == 0, report);
        var totals = Assert.Single(result.Kinds);
        Assert.Equal(("srt", 3), (totals.Kind, totals.Players));
        Assert.True(totals.GotFrames == 3, report);
        Assert.True(totals.VideoFrames >= 3 * 25 && totals.AudioFrames > 0, report);
        // The publisher's stamps survive its TS mux, the server's ingest and the players' demux.
        Assert.True(result.Latency.Count >= 3 * 25, report);
        Assert.True(result.Latency.P99 >= result.Latency.P50, report);
        Assert.NotNull(result.TimeToFirstFrame.P50);
        Assert.Empty(result.Errors);
        Assert.All(result.Seconds, s => Assert.Equal(0, s.RtmpPlaying + s.FlvPlaying + s.TsPlaying));
        Assert.Contains(result.Seconds, s => s.SrtPlaying == 3);
        Assert.Contains("| srt-test | 3 |", ReportTable.Markdown([result]));
    }

    [Fact]
    public void Synthetic_stream_has_real_h264_and_aac_headers_and_stamped_frames_of_the_bitrate()
    {
        var source = new SyntheticSource(500_000);
        var video = Assert.Single(source.Headers, h => h.Type == FrameTypes.Video);
        Assert.True(VideoCodecInfo.TryParse(video.Payload, out var info));
        Assert.Equal(("H264", 640, 360), (info.Codec, info.Width, info.Height));
        var audio = Assert.Single(source.Headers, h => h.Type == FrameTypes.Audio);
        Assert.True(AudioCodecInfo.TryParse(audio.Payload, out var aac));
        Assert.Equal("AAC", aac.Codec);

        long bytes = 0;
        var frame = source.Next();
        while (frame.Timestamp < 10_000)
        {
            bytes += frame.Payload.Length;
            if (frame.Stampable)
            {
                var stamped = LatencyStamp.Stamp(frame.Payload);
                Assert.True(LatencyStamp.TryRead(frame.Payload, out var read));
                Assert.Equal(stamped, read);
                Assert.True(FlvVideo.IsKeyframe(frame.Payload) == (frame.Timestamp % 2000 == 0));
            }
            frame = source.Next();
        }
        var bitsPerSecond = bytes * 8 / 10.0;
        Assert.InRange(bitsPerSecond, 450_000, 520_000);
    }
}
