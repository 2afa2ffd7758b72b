using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
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

    /// <summary>The command name of /proc/self/stat (field 2, without its parentheses).</summary>
    public static string SelfCommand()
    {
        var line = Lines("/proc/self/stat").FirstOrDefault() ?? "";
        var (open, close) = (line.IndexOf('('), line.LastIndexOf(')'));
        return open >= 0 && close > open ? line[(open + 1)..close] : "";
    }

    /// <summary>The jiffies of the "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal guest ...</summary>
    public static long[] CpuLine()
    {
        var cpu = Lines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        return cpu is null ? [] : cpu.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(Long).ToArray();
    }

    /// <summary>Total and idle jiffies over all CPUs from the "cpu" line of /proc/stat.</summary>
    public static (long Total, long Idle) CpuJiffies()
    {
        var f = CpuLine();
        // idle time is idle + iowait.
        return (f.Take(8).Sum(), f.ElementAtOrDefault(3) + f.ElementAtOrDefault(4));
    }

    /// <summary>Bytes received and sent from /proc/net/dev, split as SRS splits them: interfaces with a
    /// public IPv4 address carry internet traffic; the others (loopback, private, link-local or no
    /// address) intranet traffic ("net_recvi_bytes", "net_sendi_bytes").</summary>
    public static (long Recv, long Send, long RecvIntranet, long SendIntranet) NetBytes()
    {
        var internet = InternetInterfaces();
        long recv = 0, send = 0, recvi = 0, sendi = 0;
        foreach (var line in Lines("/proc/net/dev").Skip(2))
        {
            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }
            var f = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var (r, t) = (Long(f.ElementAtOrDefault(0)), Long(f.ElementAtOrDefault(8)));
            if (internet.Contains(line[..colon].Trim()))
            {
                (recv, send) = (recv + r, send + t);
            }
            else
            {
                (recvi, sendi) = (recvi + r, sendi + t);
            }
        }
        return (recv, send, recvi, sendi);
    }

    /// <summary>Whether an IPv4 address is private, loopback, link-local or carrier-grade NAT (not internet).</summary>
    public static bool IsIntranet(IPAddress address)
    {
        var b = address.GetAddressBytes();
        return b.Length != 4 || b[0] is 10 or 127 || (b[0] == 172 && b[1] is >= 16 and < 32) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and < 128) || b[0] == 0;
    }

    private static HashSet<string> InternetInterfaces()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.GetIPProperties().UnicastAddresses.Any(a => a.Address.AddressFamily == AddressFamily.InterNetwork && !IsIntranet(a.Address)))
                .Select(n => n.Name)
                .ToHashSet(StringComparer.Ordinal);
        }
        catch (NetworkInformationException)
        {
            return [];
        }
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
