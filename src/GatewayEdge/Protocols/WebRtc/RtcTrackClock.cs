using System.Diagnostics;
using OrleansLive.Media.Rtp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// One published track's RTP time on the stream's millisecond clock: its first packet is placed at its
/// arrival time since the publish began and 32-bit wraps are followed. The sender's reports (RTCP SR:
/// its wall clock beside its RTP time) say how far that placement is from the capture time, so the
/// two tracks can be lined up once (<see cref="Align"/>), as a player would with the same reports.
/// </summary>
internal sealed class RtcTrackClock(int rate, long started)
{
    private long _base = -1;
    private long _extended;
    private uint _last;

    /// <summary>Milliseconds added to this track to line it up with the other one.</summary>
    public long Shift { get; private set; }

    /// <summary>This clock's time minus the sender's capture time at the last report, in ms; null before one.</summary>
    public double? Skew { get; private set; }

    public long ToMilliseconds(uint timestamp)
    {
        if (_base < 0)
        {
            _base = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            (_last, _extended) = (timestamp, 0);
        }
        _extended += unchecked((int)(timestamp - _last));
        _last = timestamp;
        return Math.Max(0, _base + Shift + (_extended * 1000 / rate));
    }

    /// <summary>A sender report for this track; ignored before its first packet.</summary>
    public void OnSenderReport(ulong ntp, uint rtpTimestamp)
    {
        if (_base < 0)
        {
            return;
        }
        var here = _base + Shift + ((_extended + unchecked((int)(rtpTimestamp - _last))) * 1000.0 / rate);
        var captured = (NtpTime.ToDateTime(ntp) - DateTime.UnixEpoch).TotalMilliseconds;
        Skew = here - captured;
    }

    /// <summary>
    /// Lines the tracks up once both have a report: the one placed early relative to the other is
    /// moved later by the difference, so neither track's times go backwards. Returns the audio's lead
    /// over the video (ms) before the move, or null while a report is missing.
    /// </summary>
    public static double? Align(RtcTrackClock video, RtcTrackClock audio)
    {
        if (video.Skew is not { } v || audio.Skew is not { } a)
        {
            return null;
        }
        var lead = a - v;
        var move = (long)Math.Round(Math.Abs(lead));
        if (lead < 0)
        {
            audio.Shift += move;
            audio.Skew += move;
        }
        else
        {
            video.Shift += move;
            video.Skew += move;
        }
        return lead;
    }

    /// <summary>The audio's lead over the video by the latest reports, in ms; null while a report is missing.</summary>
    public static double? Offset(RtcTrackClock video, RtcTrackClock audio) => audio.Skew - video.Skew;
}
