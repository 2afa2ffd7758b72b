using System.Diagnostics;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>
/// CPU use between two readings at least a second apart, as ratios the way SRS reports them:
/// the process's CPU seconds per wall second, and the busy share of all CPUs. The first reading
/// covers the time since the process (self) and the machine (system) started.
/// </summary>
internal sealed class CpuSampler
{
    private readonly Lock _gate = new();
    private (DateTime At, TimeSpan Self, long Total, long Idle) _last;
    private (double Self, double System) _use;

    public CpuSampler()
    {
        using var process = Process.GetCurrentProcess();
        _last = (process.StartTime.ToUniversalTime(), TimeSpan.Zero, 0, 0);
    }

    public (double Self, double System) Use()
    {
        lock (_gate)
        {
            using var process = Process.GetCurrentProcess();
            var (total, idle) = ProcFs.CpuJiffies();
            var now = (At: DateTime.UtcNow, Self: process.TotalProcessorTime, Total: total, Idle: idle);
            var seconds = (now.At - _last.At).TotalSeconds;
            if (seconds >= 1)
            {
                var jiffies = now.Total - _last.Total;
                _use = (
                    (now.Self - _last.Self).TotalSeconds / seconds,
                    jiffies > 0 ? 1 - (now.Idle - _last.Idle) / (double)jiffies : 0);
                _last = now;
            }
            return _use;
        }
    }
}
