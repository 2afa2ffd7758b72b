using System.Diagnostics;

namespace OrleansLive.LoadTool.Drills;

/// <summary>Watches the load tool's own scheduling: a dedicated thread that sleeps 10 ms at a time and
/// records each wake-up that came late by more than <see cref="Threshold"/>. Such a pause is the machine's
/// (or the tool's), not the server's: a player that stalled during one was starved on our side.</summary>
public sealed class PauseMonitor : IDisposable
{
    public static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(200);

    private readonly List<(long From, long To)> _pauses = [];
    private readonly Thread _thread;
    private volatile bool _stopped;

    public PauseMonitor()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "pause-monitor", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>The pauses so far, as <see cref="Stopwatch"/> timestamps.</summary>
    public IReadOnlyList<(long From, long To)> Pauses
    {
        get
        {
            lock (_pauses)
            {
                return [.. _pauses];
            }
        }
    }

    /// <summary>Whether a pause overlapped [from, to].</summary>
    public bool PausedDuring(long from, long to)
    {
        lock (_pauses)
        {
            return _pauses.Any(p => p.From <= to && p.To >= from);
        }
    }

    private void Run()
    {
        var threshold = (long)(Threshold.TotalSeconds * Stopwatch.Frequency);
        var last = Stopwatch.GetTimestamp();
        while (!_stopped)
        {
            Thread.Sleep(10);
            var now = Stopwatch.GetTimestamp();
            if (now - last > threshold)
            {
                lock (_pauses)
                {
                    _pauses.Add((last, now));
                }
            }
            last = now;
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join(TimeSpan.FromSeconds(1));
    }
}
