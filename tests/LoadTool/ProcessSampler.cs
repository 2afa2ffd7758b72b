using System.Globalization;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.LoadTool;

/// <summary>CPU time and resident memory of server processes, from Linux /proc.</summary>
public static class ProcessSampler
{
    /// <summary>USER_HZ: the unit of utime and stime in /proc/PID/stat (100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    public sealed record Sample(double CpuSeconds, long RssKiB);

    public static Sample? Take(IReadOnlyList<int> pids)
    {
        if (pids.Count == 0 || !OperatingSystem.IsLinux())
        {
            return null;
        }
        double cpu = 0;
        long rss = 0;
        foreach (var pid in pids)
        {
            try
            {
                // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                cpu += (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        rss += long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                return null;
            }
        }
        return new Sample(cpu, rss);
    }
}
