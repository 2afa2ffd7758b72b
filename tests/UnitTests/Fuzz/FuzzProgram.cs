using System.Globalization;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// The test assembly's console entry (`dotnet OrleansLive.UnitTests.dll fuzz ...`, driven by infra/fuzz.sh);
/// test runners load the assembly as a library and never call it.
/// </summary>
public static class FuzzProgram
{
    private const string Usage = """
        fuzz list                                   the targets
        fuzz run TARGET MINUTES [SEED] [FINDINGS]   in-process mutation run; crashing inputs go to FINDINGS/TARGET
        fuzz replay TARGET FILE...                  runs saved inputs once and says what each does
        fuzz seeds TARGET DIR                       writes the target's seeds to DIR (an AFL++ input directory)
        fuzz afl TARGET                             one AFL++ child (SharpFuzz): reads inputs from afl-fuzz
        fuzz corpus CORPUSDIR                       regenerates the derived corpora (RTMP captures, FLV, AMF, codecs)
        """;

    public static int Main(string[] args)
    {
        if (args.Length < 2 || args[0] != "fuzz")
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var rest = args[2..];
        switch (args[1])
        {
            case "list":
                foreach (var target in FuzzTargets.All)
                {
                    var seeds = target.LoadSeeds();
                    Console.WriteLine($"{target.Name,-12} {seeds.Length,4} seeds {seeds.Sum(s => (long)s.Length),9:N0} bytes  {target.Summary}");
                }
                return 0;
            case "run" when rest.Length >= 2 && FuzzTargets.Find(rest[0]) is { } target:
                return RunLong(target, double.Parse(rest[1], CultureInfo.InvariantCulture),
                    rest.Length > 2 ? int.Parse(rest[2], CultureInfo.InvariantCulture) : Environment.TickCount,
                    rest.Length > 3 ? rest[3] : "findings");
            case "replay" when rest.Length >= 2 && FuzzTargets.Find(rest[0]) is { } target:
                return Replay(target, rest[1..]);
            case "seeds" when rest.Length == 2 && FuzzTargets.Find(rest[0]) is { } target:
                Directory.CreateDirectory(rest[1]);
                var all = target.LoadSeeds();
                for (var i = 0; i < all.Length; i++)
                {
                    File.WriteAllBytes(Path.Combine(rest[1], $"seed-{i:D3}.bin"), all[i]);
                }
                return 0;
            case "afl" when rest.Length == 1 && FuzzTargets.Find(rest[0]) is { } target:
                AflEntry.Run(target);
                return 0;
            case "corpus" when rest.Length == 1:
                CorpusBuilder.Build(rest[0]);
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                Console.Error.WriteLine("targets: " + string.Join(", ", FuzzTargets.All.Select(t => t.Name)));
                return 2;
        }
    }

    private static int RunLong(FuzzTarget target, double minutes, int seed, string findings)
    {
        Console.WriteLine($"fuzzing {target.Name} for {minutes} min, seed {seed}, findings to {Path.GetFullPath(findings)}/{target.Name}");
        var report = FuzzRunner.Run(target, seed, inputs: null, TimeSpan.FromMinutes(minutes), findings,
            r => Console.WriteLine($"  {r.Elapsed:hh\\:mm\\:ss} {r.Executions:N0} executions, {r.Findings.Count} unique findings"), TimeSpan.FromSeconds(30));
        Console.WriteLine(report.Summary());
        foreach (var (first, count) in report.Findings.Values)
        {
            Console.WriteLine($"  {first.Kind} x{count}: {first.Signature} -> {first.SavedAs}");
        }
        return report.Findings.Count == 0 ? 0 : 1;
    }

    private static int Replay(FuzzTarget target, string[] files)
    {
        var executor = target.Start();
        var failed = 0;
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            var finding = FuzzRunner.Execute(target, executor, input, out var accepted, out var rejected, out var allocated, out var elapsed);
            var verdict = finding is not null ? $"{finding.Kind}: {finding.Message}" : accepted ? "accepted" : rejected ? "rejected by the parser" : "ignored";
            Console.WriteLine($"{file}: {verdict} ({elapsed.TotalMilliseconds:F1} ms, {allocated:N0} bytes allocated)");
            failed += finding is null ? 0 : 1;
        }
        return failed == 0 ? 0 : 1;
    }
}
