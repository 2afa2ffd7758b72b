using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Recording;

/// <summary>
/// Where a recorded piece (an HLS segment, a DVR file) starts and ends: at a video keyframe once it
/// has lasted its length (any audio frame for a stream without video, any video frame without
/// wait-keyframe), and regardless once it has lasted <see cref="MaxFactor"/> lengths, so a stream
/// without keyframes still gets bounded pieces. A piece waits at most <c>maxWaitMs</c> for a
/// keyframe to start on.
/// </summary>
public sealed class KeyframeCuts(long lengthMs, bool waitKeyframe, long maxWaitMs, string piece, ILogger logger, string name)
{
    public const int MaxFactor = 3;

    private long _waitingSince = -1;
    private bool _warned;

    /// <summary>The stream has video (a video sequence header was seen); pieces then start at keyframes.</summary>
    public bool HasVideo { get; set; }

    /// <summary>A frame a piece may start on.</summary>
    public bool IsBoundary(MediaFrame frame) =>
        !HasVideo ? frame.IsAudio : frame.IsKeyframe || (!waitKeyframe && frame.IsVideo);

    /// <summary>Whether a piece may start on this frame; after waiting too long for a keyframe, any frame will do.</summary>
    public bool CanStart(MediaFrame frame, long ts)
    {
        if (!waitKeyframe || !HasVideo || frame.IsKeyframe)
        {
            return true;
        }
        if (_waitingSince < 0 || ts < _waitingSince)
        {
            _waitingSince = ts;
        }
        if (ts - _waitingSince < maxWaitMs)
        {
            return false;
        }
        logger.LogWarning("{Name}: no keyframe for {Seconds:F1} s; starting a {Piece} without one", name, (ts - _waitingSince) / 1000.0, piece);
        return true;
    }

    /// <summary>Whether the piece that started at <paramref name="start"/> ends before this frame;
    /// <paramref name="early"/> ends it at the next boundary whatever its length.</summary>
    public bool ShouldCut(MediaFrame frame, long ts, long start, bool early = false)
    {
        var duration = ts - start;
        if (IsBoundary(frame) && (early || duration >= lengthMs))
        {
            return true;
        }
        if (lengthMs >= long.MaxValue / MaxFactor || duration < lengthMs * MaxFactor)
        {
            return false;
        }
        if (!_warned)
        {
            _warned = true;
            logger.LogWarning("{Name}: no keyframe for {Seconds:F1} s; cutting the {Piece} without one", name, duration / 1000.0, piece);
        }
        return true;
    }

    /// <summary>A piece started.</summary>
    public void Started()
    {
        _waitingSince = -1;
        _warned = false;
    }
}
