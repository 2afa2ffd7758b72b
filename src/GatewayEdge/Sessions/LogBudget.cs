using System.Diagnostics;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// Caps log lines that a flood of callers could multiply (one per refused SRT handshake, per stray WebRTC datagram, per
/// dropped connection): the first few of each window are written, the rest only counted, for one summary line once the window
/// is over. <see cref="ReasonLog"/> keeps one per reason.
/// </summary>
public sealed class LogBudget(int linesPerWindow, TimeSpan window)
{
    private readonly Lock _lock = new();
    private readonly long _windowTicks = (long)(window.TotalSeconds * Stopwatch.Frequency);
    private long _windowStart;
    private int _used;
    private long _suppressed;

    public int LinesPerWindow => linesPerWindow;

    public TimeSpan Window => window;

    /// <summary>True if one more line may be written now; otherwise it is counted as suppressed.</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            var now = Stopwatch.GetTimestamp();
            if (_windowStart == 0 || now - _windowStart >= _windowTicks)
            {
                (_windowStart, _used) = (now, 0);
            }
            if (_used < linesPerWindow)
            {
                _used++;
                return true;
            }
            _suppressed++;
            return false;
        }
    }

    /// <summary>True once the current window is over (or none began): the budget holds nothing worth keeping.</summary>
    public bool Idle
    {
        get
        {
            lock (_lock)
            {
                return _suppressed == 0 && (_windowStart == 0 || Stopwatch.GetTimestamp() - _windowStart >= _windowTicks);
            }
        }
    }

    /// <summary>Lines suppressed and not yet taken by <see cref="TakeSuppressed"/>.</summary>
    public long Pending
    {
        get
        {
            lock (_lock)
            {
                return _suppressed;
            }
        }
    }

    /// <summary>How many lines were suppressed, once their window has ended (0 before); resets the count.</summary>
    public long TakeSuppressed()
    {
        lock (_lock)
        {
            if (_suppressed == 0 || Stopwatch.GetTimestamp() - _windowStart < _windowTicks)
            {
                return 0;
            }
            var suppressed = _suppressed;
            _suppressed = 0;
            return suppressed;
        }
    }
}
