using Xunit.Abstractions;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// The bounded run of every fuzz target: its corpus (regression inputs included) and then seeded
/// mutations of it, a few thousand inputs in a few seconds. No input may crash, hang, allocate past the
/// target's cap or throw anything but the parser's own format exception; the corpus must still reach
/// the parser's depths (enough inputs accepted). Deterministic: a failure replays with the same seed.
/// </summary>
public sealed class FuzzTargetTests(ITestOutputHelper output)
{
    private const int Seed = 20261201;

    [Theory]
    [MemberData(nameof(Targets))]
    public void Survives_its_bounded_run(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var report = FuzzRunner.Run(target, Seed, target.BoundedInputs);
        output.WriteLine(report.Summary());
        var findings = string.Join("\n\n", report.Findings.Values.Select(f => $"{f.First.Kind} x{f.Count}: {f.First.Signature}\n{f.First.Message}\ninput: {Convert.ToHexString(f.First.Input.AsSpan(0, Math.Min(f.First.Input.Length, 256)))}"));
        Assert.True(report.Findings.Count == 0, report.Summary() + "\n" + findings);
        Assert.Equal(target.BoundedInputs, report.Executions);
        Assert.True(report.Accepted >= target.MinAccepted, $"{report.Summary()}: fewer than {target.MinAccepted} inputs accepted");
        Assert.True(report.Elapsed < TimeSpan.FromSeconds(20), report.Summary());
    }

    [Fact]
    public void Every_target_has_a_unique_name_and_seeds()
    {
        Assert.Equal(FuzzTargets.All.Count, FuzzTargets.All.Select(t => t.Name.ToLowerInvariant()).Distinct().Count());
        Assert.All(FuzzTargets.All, t => Assert.NotEmpty(t.LoadSeeds()));
    }

    public static TheoryData<string> Targets => FuzzTargets.Names;
}
