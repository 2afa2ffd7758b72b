using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// A <see cref="LogBudget"/> per reason, for lines that many clients could each cause (a flood of refused publishers, of
/// connections that never finish their handshake): each reason gets <see cref="LinesPerWindow"/> lines per window, and the
/// lines it was denied after that are summed up in one line of their own when the window is over.
/// </summary>
public sealed class ReasonLog(ILogger logger, int linesPerWindow = ReasonLog.DefaultLines, double windowSeconds = ReasonLog.DefaultWindowSeconds)
{
    public const int DefaultLines = 3;
    public const double DefaultWindowSeconds = 10;

    /// <summary>Reasons kept apart at most; past that (reasons made of names a flood can vary) they share one budget.</summary>
    public const int MaxReasons = 256;

    private const string Overflow = "(other reasons)";

    private readonly ConcurrentDictionary<string, Reason> _reasons = new(StringComparer.Ordinal);
    private readonly TimeSpan _window = TimeSpan.FromSeconds(windowSeconds);

    public int LinesPerWindow => linesPerWindow;

    public TimeSpan Window => _window;

    /// <summary>True when the caller may write its line for <paramref name="reason"/> now. Otherwise the line is counted, and
    /// the summary names the count with <paramref name="what"/> (e.g. "RTMP connections closed: handshake timed out").</summary>
    public bool TryTake(string reason, string what)
    {
        if (_reasons.Count >= MaxReasons && !_reasons.ContainsKey(reason))
        {
            Prune();
            if (_reasons.Count >= MaxReasons)
            {
                (reason, what) = (Overflow, "lines of other reasons");
            }
        }
        var entry = _reasons.GetOrAdd(reason, _ => new Reason(new LogBudget(linesPerWindow, _window)));
        if (entry.Budget.TryTake())
        {
            return true;
        }
        entry.What = what;
        if (Interlocked.Exchange(ref entry.Armed, 1) == 0)
        {
            entry.Timer ??= NewTimer(entry);
            entry.Timer.Change(_window + TimeSpan.FromMilliseconds(100), Timeout.InfiniteTimeSpan);
        }
        return false;
    }

    /// <summary>Forgets the reasons whose window is over with nothing left to summarize.</summary>
    private void Prune()
    {
        foreach (var (key, entry) in _reasons)
        {
            if (Volatile.Read(ref entry.Armed) == 0 && entry.Budget.Idle && _reasons.TryRemove(key, out _))
            {
                entry.Timer?.Dispose();
            }
        }
    }

    private Timer NewTimer(Reason entry)
    {
        // Without the caller's context: the summary is not about the client whose line happened to arm it.
        using (ExecutionContext.SuppressFlow())
        {
            return new Timer(static state =>
            {
                var (log, reason) = ((ReasonLog, Reason))state!;
                log.Summarize(reason);
            }, (this, entry), Timeout.Infinite, Timeout.Infinite);
        }
    }

    private void Summarize(Reason entry)
    {
        Volatile.Write(ref entry.Armed, 0);
        if (entry.Budget.TakeSuppressed() is var suppressed and > 0)
        {
            logger.LogWarning("{Count} more {What} (not logged one by one: at most {Lines} lines per reason every {Seconds} s)",
                suppressed, entry.What, linesPerWindow, _window.TotalSeconds);
        }
        else if (entry.Budget.Pending > 0 && Interlocked.Exchange(ref entry.Armed, 1) == 0)
        {
            // Denied in a window that is still open (a new one began since): look again when it ends.
            entry.Timer!.Change(_window, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class Reason(LogBudget budget)
    {
        public readonly LogBudget Budget = budget;
        public string What = "";
        public int Armed;
        public Timer? Timer;
    }
}
