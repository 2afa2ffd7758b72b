using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.LoadTool;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>The load tool's WHEP players against the real server: the tool publishes H.264 + AAC over
/// RTMP and 20 WebRTC players (WHEP offer, ICE, DTLS, SRTP) receive the video.</summary>
[Collection(ServerCollection.Name)]
public sealed class WhepLoadTests(ServerFixture server)
{
    [Fact]
    public async Task Load_tool_whep_players_connect_receive_video_without_loss_and_read_the_latency_stamp()
    {
        var stream = "loadwhep" + Ids.Random(5);
        var options = LoadOptions.Parse(
        [
            "--url", server.RtmpUrl("live", stream),
            "--whep-url", server.WhipUrl("live", stream, publish: false),
            "--publish", "--bitrate", "500k",
            "--whep-players", "20",
            "--duration", "3", "--warmup", "0",
            "--connect-timeout", "30",
            "--label", "whep-test",
        ]);
        var log = new StringWriter();

        var result = await new LoadRunner(options, log).RunAsync().WaitAsync(TimeSpan.FromSeconds(120));

        var report = ReportTable.Summary(result) + log;
        Assert.True(result.PublishersStarted == 1, report);
        Assert.Equal(20, result.WhepPlayers);
        Assert.True(result.PlayersFailed == 0 && result.PlayersDropped == 0, report);
        var totals = Assert.Single(result.Kinds);
        Assert.Equal(("whep", 20), (totals.Kind, totals.Players));
        Assert.True(totals.GotFrames == 20, report);
        // 25 fps through the 3 s window (at least two seconds of it, so a starved tool on a shared machine
        // is not the server's failure); the stream's AAC arrives as 20 ms Opus frames, through one bridge.
        Assert.True(totals.VideoFrames >= 20 * 2 * 25, report);
        Assert.True(totals.AudioFrames >= 20 * 2 * 40, report);
        var rtp = Assert.IsType<RtpTotals>(result.Rtp);
        Assert.Equal(20, rtp.Connected);
        Assert.True(rtp.Packets > 20 * 3 * 25, report);
        Assert.True(rtp.LossPercent < 0.5, report);
        Assert.Equal(0, rtp.UnprotectFailures);
        Assert.Equal(20, result.TimeToFirstFrame.Count);
        Assert.NotNull(result.TimeToFirstFrame.P95);
        // The publisher's SEI stamp reaches the players inside the RTP payload.
        Assert.True(result.Latency.Count >= 20 * 25, report);
        Assert.True(result.Latency.P99 >= result.Latency.P50, report);
        Assert.Contains(result.Seconds, s => s.WhepPlaying == 20);
        Assert.Contains("| whep-test | 20 |", ReportTable.Markdown([result]));
        Assert.Contains("webrtc: 20/20 connected", ReportTable.Summary(result));
    }
}
