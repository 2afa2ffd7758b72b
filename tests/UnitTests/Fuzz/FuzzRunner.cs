using System.Diagnostics;
using System.Security.Cryptography;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>What went wrong with one input: an unexpected exception, a broken invariant, too much time or memory.</summary>
internal sealed record FuzzFinding(string Kind, string Signature, string Message, byte[] Input)
{
    /// <summary>The first input with this signature, saved as findings/TARGET/KIND-HASH.bin (null when not saved).</summary>
    public string? SavedAs { get; set; }
}

/// <summary>The outcome of a run of one target.</summary>
internal sealed class FuzzReport(string target)
{
    public string Target { get; } = target;

    public long Executions { get; set; }

    public long Accepted { get; set; }

    /// <summary>Inputs the parser rejected with its own format exception.</summary>
    public long Rejected { get; set; }

    public long MaxAllocatedBytes { get; set; }

    public TimeSpan MaxInputTime { get; set; }

    public TimeSpan Elapsed { get; set; }

    public int Seeds { get; set; }

    public long SeedBytes { get; set; }

    /// <summary>True when one input never returned: the run stopped there.</summary>
    public bool Hung { get; set; }

    /// <summary>Every finding by signature (first input kept), with how often it recurred.</summary>
    public Dictionary<string, (FuzzFinding First, int Count)> Findings { get; } = [];

    public string Summary() =>
        $"{Target}: {Executions:N0} executions in {Elapsed.TotalSeconds:F1} s ({Executions / Math.Max(Elapsed.TotalSeconds, 0.001):N0}/s), "
        + $"{Accepted:N0} accepted, {Rejected:N0} rejected by the parser, {Findings.Count} unique findings; "
        + $"slowest input {MaxInputTime.TotalMilliseconds:F1} ms, most allocated {MaxAllocatedBytes / 1024.0:N0} KiB; "
        + $"{Seeds} seeds ({SeedBytes:N0} bytes)";
}

/// <summary>
/// The in-process harness: seeds first, then seeded random mutations of them, each input on a worker
/// thread watched for time (over <see cref="SlowInput"/> is a finding; over <see cref="HangInput"/> the
/// run gives up on the input), allocation (GC.GetAllocatedBytesForCurrentThread against the target's
/// cap) and exceptions (anything but the target's format exceptions). Deterministic for a seed.
/// </summary>
internal static class FuzzRunner
{
    public static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan HangInput = TimeSpan.FromSeconds(10);

    /// <param name="inputs">Stop after this many inputs (seeds included); null: run until <paramref name="duration"/>.</param>
    /// <param name="findingsDirectory">Where the first input of each finding is saved; null: not saved.</param>
    /// <param name="progress">Called about every <paramref name="progressInterval"/> with the report so far.</param>
    public static FuzzReport Run(FuzzTarget target, int seed, long? inputs, TimeSpan? duration = null, string? findingsDirectory = null,
        Action<FuzzReport>? progress = null, TimeSpan? progressInterval = null)
    {
        var seeds = target.LoadSeeds();
        if (seeds.Length == 0)
        {
            throw new InvalidOperationException($"Fuzz target {target.Name} has no seeds");
        }
        var report = new FuzzReport(target.Name) { Seeds = seeds.Length, SeedBytes = seeds.Sum(s => (long)s.Length) };
        var clock = Stopwatch.StartNew();
        var deadline = duration is { } d ? clock.Elapsed + d : TimeSpan.MaxValue;
        var limit = inputs ?? long.MaxValue;
        var current = new Current();
        var worker = new Thread(() => Loop(target, seeds, seed, limit, deadline, clock, report, current, findingsDirectory))
        {
            IsBackground = true,
            Name = "fuzz " + target.Name,
        };
        worker.Start();
        var interval = progressInterval ?? TimeSpan.FromSeconds(10);
        var nextProgress = clock.Elapsed + interval;
        while (!worker.Join(100))
        {
            var started = Volatile.Read(ref current.StartedTicks);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > HangInput)
            {
                // The worker is stuck in the parser and cannot be stopped: record the input and leave it.
                lock (report)
                {
                    report.Hung = true;
                    Add(report, new FuzzFinding("hang", "hang", $"one input ran for more than {HangInput.TotalSeconds} s", current.Input!), target, findingsDirectory);
                }
                break;
            }
            if (progress is not null && clock.Elapsed >= nextProgress)
            {
                nextProgress += interval;
                lock (report)
                {
                    report.Elapsed = clock.Elapsed;
                    progress(report);
                }
            }
        }
        lock (report)
        {
            report.Elapsed = clock.Elapsed;
            return report;
        }
    }

    /// <summary>Runs one input as the harness does; null when nothing is wrong with it.</summary>
    public static FuzzFinding? Execute(FuzzTarget target, FuzzExecutor executor, byte[] input, out bool accepted, out bool rejected, out long allocated, out TimeSpan elapsed)
    {
        accepted = rejected = false;
        var random = new Random(InputSeed(input));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var started = Stopwatch.GetTimestamp();
        FuzzFinding? finding = null;
        try
        {
            accepted = executor(input, random);
        }
        catch (Exception ex) when (target.IsFormatException(ex))
        {
            rejected = true;
        }
        catch (FuzzInvariantException ex)
        {
            finding = new FuzzFinding("invariant", "invariant: " + ex.Message, ex.Message, input);
        }
        catch (Exception ex)
        {
            finding = new FuzzFinding("crash", Signature(ex), ex.ToString(), input);
        }
        elapsed = Stopwatch.GetElapsedTime(started);
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (finding is null && allocated > target.MaxAllocatedBytes)
        {
            finding = new FuzzFinding("allocation", "allocation", $"{allocated:N0} bytes allocated for one {input.Length}-byte input (cap {target.MaxAllocatedBytes:N0})", input);
        }
        if (finding is null && elapsed > SlowInput)
        {
            finding = new FuzzFinding("slow", "slow", $"{elapsed.TotalMilliseconds:F0} ms for one {input.Length}-byte input", input);
        }
        return finding;
    }

    /// <summary>The per-input random seed: a hash of the bytes.</summary>
    public static int InputSeed(byte[] input)
    {
        var hash = 2166136261u;
        foreach (var b in input)
        {
            hash = (hash ^ b) * 16777619u;
        }
        return unchecked((int)hash);
    }

    private static void Loop(FuzzTarget target, byte[][] seeds, int seed, long limit, TimeSpan deadline, Stopwatch clock, FuzzReport report, Current current, string? findingsDirectory)
    {
        var random = new Random(seed);
        var executor = target.Start();
        for (long i = 0; i < limit && clock.Elapsed < deadline; i++)
        {
            var input = i < seeds.Length ? seeds[i] : target.Mutate(random, seeds[random.Next(seeds.Length)]);
            current.Input = input;
            Volatile.Write(ref current.StartedTicks, Stopwatch.GetTimestamp());
            var finding = Execute(target, executor, input, out var accepted, out var rejected, out var allocated, out var elapsed);
            // On two shared cores a GC or the scheduler can stall one run: slow means slow every time.
            for (var retry = 0; retry < 2 && finding?.Kind == "slow"; retry++)
            {
                finding = Execute(target, executor, input, out _, out _, out _, out var again);
                elapsed = again < elapsed ? again : elapsed;
            }
            Volatile.Write(ref current.StartedTicks, 0);
            lock (report)
            {
                if (report.Hung)
                {
                    return;
                }
                report.Executions++;
                report.Accepted += accepted ? 1 : 0;
                report.Rejected += rejected ? 1 : 0;
                report.MaxAllocatedBytes = Math.Max(report.MaxAllocatedBytes, allocated);
                report.MaxInputTime = elapsed > report.MaxInputTime ? elapsed : report.MaxInputTime;
                if (finding is not null)
                {
                    Add(report, finding, target, findingsDirectory);
                }
            }
        }
    }

    private static void Add(FuzzReport report, FuzzFinding finding, FuzzTarget target, string? findingsDirectory)
    {
        if (report.Findings.TryGetValue(finding.Signature, out var known))
        {
            report.Findings[finding.Signature] = (known.First, known.Count + 1);
            return;
        }
        if (findingsDirectory is not null)
        {
            var directory = Path.Combine(findingsDirectory, target.Name);
            Directory.CreateDirectory(directory);
            var name = $"{finding.Kind}-{Convert.ToHexStringLower(SHA256.HashData(finding.Input))[..12]}";
            finding.SavedAs = Path.Combine(directory, name + ".bin");
            File.WriteAllBytes(finding.SavedAs, finding.Input);
            File.WriteAllText(Path.Combine(directory, name + ".txt"), finding.Signature + "\n\n" + finding.Message + "\n");
        }
        report.Findings[finding.Signature] = (finding, 1);
    }

    // Exception type and the innermost frame in our code: one bug, one signature, however many inputs reach it.
    private static string Signature(Exception exception)
    {
        var trace = new StackTrace(exception, fNeedFileInfo: false);
        var frame = trace.GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.FullName?.StartsWith("OrleansLive.", StringComparison.Ordinal) == true);
        var method = frame?.GetMethod();
        var where = method is null ? "?" : $"{method.DeclaringType?.FullName}.{method.Name}";
        return $"{exception.GetType().Name} at {where}";
    }

    private sealed class Current
    {
        public long StartedTicks;
        public byte[]? Input;
    }
}
