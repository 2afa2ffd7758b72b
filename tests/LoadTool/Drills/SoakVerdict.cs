using System.Globalization;

namespace OrleansLive.LoadTool.Drills;

/// <summary>One pass criterion of a drill and what was measured for it.</summary>
public sealed record DrillCheck(string Name, bool Passed, string Detail);

/// <summary>The DVR file probe: ffprobe's verdict on one file.</summary>
public sealed record DvrProbe(string File, long Bytes, bool Playable, double DurationSeconds, string? Error);

/// <summary>How far descriptors and activations came back after a phase, within its deadline.</summary>
/// <param name="FdChange">Kinds of descriptors more (or fewer) than at the baseline.</param>
/// <param name="GrainChange">Grain types with more (or fewer) activations than at the baseline.</param>
public sealed record Return(string What, SoakSample Baseline, SoakSample After, bool Returned, double Seconds, string FdChange, string GrainChange);

/// <summary>
/// The soak's pass criteria, computed from what the run recorded: memory growth after warm-up,
/// descriptors and grain activations back at their baselines once clients left, DVR files that
/// probe, and players that saw no stall, drop or failure.
/// </summary>
public static class SoakVerdict
{
    /// <summary>Descriptors that may differ from the baseline once clients left: files the HLS and
    /// DVR writers have open change as segments rotate.</summary>
    public const int FdTolerance = 5;

    /// <summary>The warm-up is the first third of the churn phase and the window the rest (for 60
    /// minutes: 20 and 40). Returns the window's bounds in sample seconds.</summary>
    public static (double From, double To) Window(IReadOnlyList<SoakSample> samples)
    {
        var churn = samples.Where(s => s.Phase == "churn").ToList();
        if (churn.Count < 2)
        {
            return (0, 0);
        }
        var start = churn[0].Seconds;
        var end = churn[^1].Seconds;
        return (start + ((end - start) / 3), end);
    }

    /// <summary>RSS growth over the window as a percentage of its start, from a least-squares line
    /// through the window's samples (one sample's noise does not decide), and the line's ends.</summary>
    public static (double Percent, double StartKiB, double EndKiB, int Samples) RssGrowth(IReadOnlyList<SoakSample> samples)
    {
        var (from, to) = Window(samples);
        var points = samples.Where(s => s.Phase == "churn" && s.Seconds >= from && s.Seconds <= to).ToList();
        if (points.Count < 2)
        {
            return (0, 0, 0, points.Count);
        }
        var meanT = points.Average(p => p.Seconds);
        var meanR = points.Average(p => (double)p.RssKiB);
        var sxx = points.Sum(p => (p.Seconds - meanT) * (p.Seconds - meanT));
        var slope = sxx == 0 ? 0 : points.Sum(p => (p.Seconds - meanT) * (p.RssKiB - meanR)) / sxx;
        var start = meanR + (slope * (from - meanT));
        var end = meanR + (slope * (to - meanT));
        return (start > 0 ? (end - start) / start * 100 : 0, start, end, points.Count);
    }

    public static List<DrillCheck> Evaluate(SoakResult run)
    {
        var checks = new List<DrillCheck>();
        var samples = run.Samples;
        var (growth, startKiB, endKiB, count) = RssGrowth(samples);
        var (from, to) = Window(samples);
        var limit = run.Options.MaxRssGrowthPercent;
        checks.Add(new DrillCheck("rss-growth", count >= 2 && growth < limit, string.Create(CultureInfo.InvariantCulture,
            $"{growth:+0.00;-0.00}% over {(to - from) / 60:0.#} min after {(from - FirstChurn(samples)) / 60:0.#} min warm-up ({startKiB / 1024:0} → {endKiB / 1024:0} MiB fitted over {count} samples; limit {limit}%)")));
        foreach (var back in run.Returns)
        {
            checks.Add(new DrillCheck(back.What, back.Returned, string.Create(CultureInfo.InvariantCulture,
                $"descriptors {back.Baseline.IoFds} → {back.After.IoFds} (with code {back.Baseline.OpenFds} → {back.After.OpenFds}), grains {back.Baseline.Grains} → {back.After.Grains}, client sessions {back.Baseline.ClientSessions} → {back.After.ClientSessions}, threads {back.Baseline.Threads} → {back.After.Threads}; {(back.Returned ? "back" : "not back")} after {back.Seconds:0} s{(back.FdChange.Length > 0 ? "; descriptors changed: " + back.FdChange : "")}{(back.GrainChange.Length > 0 ? "; grains changed: " + back.GrainChange : "")}")));
        }
        var unplayable = run.Dvr.Where(d => !d.Playable).ToList();
        checks.Add(new DrillCheck("dvr-files-probe", run.Dvr.Count > 0 && unplayable.Count == 0, run.Dvr.Count == 0
            ? "no DVR file written"
            : string.Create(CultureInfo.InvariantCulture, $"{run.Dvr.Count - unplayable.Count}/{run.Dvr.Count} files probe ({run.Dvr.Sum(d => d.Bytes) / 1e6:0.0} MB, {run.Dvr.Sum(d => d.DurationSeconds) / 60:0.0} min)")
              + string.Concat(unplayable.Take(5).Select(d => $"; {Path.GetFileName(d.File)}: {d.Error}"))));
        var players = run.Players;
        // A stall while the tool starved (its stream's publisher sent late, or the tool's pause monitor woke
        // late, on a shared machine) is the tool's: counted and shown, but only the others are the server's.
        var stalls = run.Stalls;
        var servers = stalls.Where(x => !x.ToolStarved).ToList();
        checks.Add(new DrillCheck("no-stalls", players.Count > 0 && servers.Count == 0, string.Create(CultureInfo.InvariantCulture,
            $"{servers.Count} stalls with the tool on time{ByKind(servers.Select(x => x.Kind))}{(servers.Count > 0 ? $", longest {servers.Max(x => x.GapSeconds):0.00} s" : "")}; {stalls.Count - servers.Count} more while the tool starved (publishers' worst lateness {run.PublisherMaxLateMs:0} ms); {players.Count(p => p.Stalls > 0)} of {players.Count} players saw a stall")));
        var broken = players.Where(p => p.State is PlayerState.Dropped or PlayerState.Failed).ToList();
        checks.Add(new DrillCheck("no-drops", players.Count > 0 && broken.Count == 0, string.Create(CultureInfo.InvariantCulture,
            $"{broken.Count(p => p.State == PlayerState.Dropped)} dropped, {broken.Count(p => p.State == PlayerState.Failed)} failed of {players.Count}")
            + string.Concat(broken.GroupBy(p => $"{p.Kind} {p.State}: {p.Error}").OrderByDescending(g => g.Count()).Take(5).Select(g => $"; {g.Count()} x {g.Key}"))));
        checks.Add(new DrillCheck("no-server-errors", run.ServerErrors.Count == 0, run.ServerErrors.Count == 0
            ? "the server logged no error"
            : string.Join("; ", run.ServerErrors.Take(5))));
        checks.Add(new DrillCheck("publishers-up", run.PublisherErrors.Count == 0 && run.ServerExit is null,
            run.ServerExit is { } exit ? $"server exited: {exit}"
            : run.PublisherErrors.Count == 0 ? $"{run.Options.Publishers} publishers up for the whole run" : string.Join("; ", run.PublisherErrors)));
        return checks;
    }

    private static double FirstChurn(IReadOnlyList<SoakSample> samples) => samples.FirstOrDefault(s => s.Phase == "churn")?.Seconds ?? 0;

    private static string ByKind(IEnumerable<string> kinds)
    {
        var counts = kinds.GroupBy(k => k).Select(g => $"{g.Key} {g.Count()}").ToList();
        return counts.Count == 0 ? "" : " (" + string.Join(", ", counts) + ")";
    }
}
