using System.Diagnostics;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtc.Gateway;

public sealed class RtcTrackClockTests
{
    private static readonly DateTime Capture = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_sender_reports_line_an_early_placed_track_up_by_moving_it_later()
    {
        var started = Stopwatch.GetTimestamp();
        var video = new RtcTrackClock(90_000, started);
        var audio = new RtcTrackClock(48_000, started);
        var v0 = video.ToMilliseconds(1000);
        var a0 = audio.ToMilliseconds(5000);
        Assert.Null(RtcTrackClock.Align(video, audio));

        // At capture time T the video's RTP clock read 100 ms past its first packet, the audio's 40 ms:
        // the audio's first packet was captured 60 ms after the video's, yet both were placed on arrival.
        video.OnSenderReport(NtpTime.FromDateTime(Capture), 1000 + (90 * 100));
        Assert.Null(RtcTrackClock.Align(video, audio));
        audio.OnSenderReport(NtpTime.FromDateTime(Capture), 5000 + (48 * 40));
        var lead = RtcTrackClock.Align(video, audio);

        Assert.NotNull(lead);
        Assert.InRange(lead!.Value - (a0 - v0), -60.5, -59.5);
        Assert.InRange(RtcTrackClock.Offset(video, audio)!.Value, -0.5, 0.5);
        Assert.InRange(audio.ToMilliseconds(5000 + 48 * 40) - (a0 + 40), 59, 61);
        Assert.Equal(0, video.Shift);
    }

    [Fact]
    public void A_late_placed_audio_moves_the_video_instead_and_wraps_are_followed()
    {
        var started = Stopwatch.GetTimestamp();
        var video = new RtcTrackClock(90_000, started);
        var audio = new RtcTrackClock(48_000, started);
        var v0 = video.ToMilliseconds(uint.MaxValue - 900);
        Assert.Equal(v0 + 20, video.ToMilliseconds(900));
        var a0 = audio.ToMilliseconds(0);
        video.OnSenderReport(NtpTime.FromDateTime(Capture), 900);
        audio.OnSenderReport(NtpTime.FromDateTime(Capture.AddMilliseconds(-30)), 0);
        var lead = RtcTrackClock.Align(video, audio)!.Value;
        Assert.InRange(lead - (a0 - v0 - 20), 29.5, 30.5);
        Assert.Equal(0, audio.Shift);
        Assert.InRange(RtcTrackClock.Offset(video, audio)!.Value, -0.5, 0.5);
    }
}
