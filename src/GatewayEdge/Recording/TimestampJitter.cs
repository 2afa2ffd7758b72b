using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Recording;

/// <summary>
/// Makes each track's timestamps usable for files (SRS's time_jitter "full", but only for real
/// jumps): a track whose timestamp moves back more than <see cref="MaxBackwardMs"/> or forward more
/// than <see cref="MaxForwardMs"/> from its previous frame continues from its previous output plus
/// its usual frame interval, so an encoder restart or a bad clock never yields hour-long segments or
/// files. Small steps pass unchanged, so tracks keep their sync. 32-bit RTMP timestamps are unwrapped.
/// </summary>
public sealed class TimestampJitter
{
    public const int MaxBackwardMs = 1_000;
    public const int MaxForwardMs = 10_000;
    private const int DefaultIntervalMs = 10;

    private Track _video = new();
    private Track _audio = new();
    private long _offset;

    /// <summary>How many jumps were smoothed over.</summary>
    public int Jumps { get; private set; }

    /// <summary>Set by <see cref="Correct"/> when this frame's timestamp was a jump.</summary>
    public bool LastWasJump { get; private set; }

    /// <summary>The corrected timestamp in ms (never negative). Script data takes the video track's
    /// current offset without moving it.</summary>
    public long Correct(uint timestamp, bool audio, bool script = false)
    {
        LastWasJump = false;
        if (script)
        {
            return Math.Max(0, (_video.Started ? _video.Offset : _offset) + timestamp);
        }
        ref var track = ref audio ? ref _audio : ref _video;
        if (!track.Started)
        {
            // A track that starts late joins the other's timeline.
            track.Started = true;
            track.Offset = _offset;
            track.LastIn = timestamp;
            track.LastExtended = timestamp;
            track.Interval = DefaultIntervalMs;
            return track.LastOut = Math.Max(0, timestamp + track.Offset);
        }
        var delta = unchecked((int)(timestamp - track.LastIn));
        track.LastIn = timestamp;
        track.LastExtended += delta;
        if (delta > MaxForwardMs || delta < -MaxBackwardMs)
        {
            Jumps++;
            LastWasJump = true;
            track.Offset = track.LastOut + track.Interval - track.LastExtended;
        }
        else if (delta > 0)
        {
            track.Interval = Math.Min(delta, 100);
        }
        _offset = track.Offset;
        return track.LastOut = Math.Max(0, track.LastExtended + track.Offset);
    }

    private struct Track
    {
        public bool Started;
        public uint LastIn;
        public long LastExtended;
        public long Offset;
        public long LastOut;
        public int Interval;
    }
}
