using System.Globalization;

namespace OrleansLive.LoadTool.Drills;

/// <summary>One look at a process in Linux /proc: resident memory, threads, open descriptors (all,
/// and those that are not code: the runtime keeps an assembly's file open once it is loaded, and
/// loads some only when first needed), CPU time.</summary>
public sealed record ProcessFigures(long RssKiB, int Threads, int OpenFds, int IoFds, double CpuSeconds)
{
    /// <summary>USER_HZ, the unit of utime and stime in /proc/PID/stat.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>What the process's descriptors point at, by kind: sockets, pipes, anonymous inodes and
    /// files (by directory, numbers in names left out), with how many of each.</summary>
    public static Dictionary<string, int> Descriptors(int pid)
    {
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                string target;
                try
                {
                    target = new FileInfo(fd).LinkTarget ?? "?";
                }
                catch (IOException)
                {
                    continue;
                }
                var kind = target.StartsWith('/') ? Path.GetDirectoryName(target) + "/" + System.Text.RegularExpressions.Regex.Replace(Path.GetFileName(target), "[0-9]+", "N")
                    : System.Text.RegularExpressions.Regex.Replace(target, "[0-9]+", "N");
                kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return kinds;
    }

    private static bool IsCode(string fd)
    {
        try
        {
            return new FileInfo(fd).LinkTarget is { } target && IsCodePath(target);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Kinds of descriptors that are more in <paramref name="after"/> than in <paramref name="before"/>.</summary>
    public static string Difference(Dictionary<string, int> before, Dictionary<string, int> after) =>
        string.Join(", ", after.Select(a => (a.Key, More: a.Value - before.GetValueOrDefault(a.Key))).Where(d => d.More != 0)
            .Concat(before.Where(b => !after.ContainsKey(b.Key)).Select(b => (b.Key, More: -b.Value)))
            .Where(d => !IsCodePath(d.Key))
            .OrderByDescending(d => Math.Abs(d.More)).Take(12).Select(d => $"{d.Key} {d.More:+0;-0}"));

    private static bool IsCodePath(string target) =>
        target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".pdb", StringComparison.Ordinal) || target.Contains(".so", StringComparison.Ordinal);

    /// <summary>Null once the process is gone.</summary>
    public static ProcessFigures? Read(int pid)
    {
        try
        {
            long rss = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
            }
            var fds = 0;
            var code = 0;
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                fds++;
                if (IsCode(fd))
                {
                    code++;
                }
            }
            // Fields after the parenthesised command name: utime is field 14, stime 15.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            return new ProcessFigures(rss, threads, fds, fds - code, cpu);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
