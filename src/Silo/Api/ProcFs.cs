using System.Globalization;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>Small readers for Linux /proc files; each answers empty when the file is not there.</summary>
internal static class ProcFs
{
    /// <summary>"Key: value [kB]" files such as /proc/meminfo and /proc/self/status.</summary>
    public static Dictionary<string, long> KeyValues(string path)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in Lines(path))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var number = line[(colon + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..colon]] = value;
            }
        }
        return values;
    }

    /// <summary>The whitespace-separated numbers of the first line of a file such as /proc/loadavg.</summary>
    public static double[] Numbers(string path) =>
        (Lines(path).FirstOrDefault() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(f => double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN)
            .Where(v => !double.IsNaN(v))
            .ToArray();

    /// <summary>Fields of /proc/self/stat after the command name, so index 0 is field 3 (state).</summary>
    public static string[] SelfStatFields()
    {
        var line = Lines("/proc/self/stat").FirstOrDefault() ?? "";
        var close = line.LastIndexOf(')');
        return close < 0 ? [] : line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Total and idle jiffies over all CPUs from the "cpu" line of /proc/stat.</summary>
    public static (long Total, long Idle) CpuJiffies()
    {
        var cpu = Lines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        if (cpu is null)
        {
            return (0, 0);
        }
        var f = cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Long).ToArray();
        // user nice system idle iowait irq softirq steal ...; idle time is idle + iowait.
        return (f.Take(8).Sum(), f.ElementAtOrDefault(3) + f.ElementAtOrDefault(4));
    }

    /// <summary>Bytes received and sent over all interfaces but loopback, from /proc/net/dev.</summary>
    public static (long Recv, long Send) NetBytes()
    {
        long recv = 0, send = 0;
        foreach (var line in Lines("/proc/net/dev").Skip(2))
        {
            var colon = line.IndexOf(':');
            if (colon < 0 || line[..colon].Trim() == "lo")
            {
                continue;
            }
            var f = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            recv += Long(f.ElementAtOrDefault(0));
            send += Long(f.ElementAtOrDefault(8));
        }
        return (recv, send);
    }

    /// <summary>A named counter of a /proc/net/sockstat line, e.g. ("TCP:", "tw").</summary>
    public static long SockStat(string protocol, string name)
    {
        var line = Lines("/proc/net/sockstat").FirstOrDefault(l => l.StartsWith(protocol, StringComparison.Ordinal));
        var f = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var at = Array.IndexOf(f, name);
        return at >= 0 ? Long(f.ElementAtOrDefault(at + 1)) : 0;
    }

    public static long Long(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;

    private static IEnumerable<string> Lines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
