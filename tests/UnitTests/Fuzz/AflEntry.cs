namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// A target under AFL++: SharpFuzz's forkserver loop runs each input afl-fuzz hands over through the
/// same executor and checks as the in-process harness; a finding is thrown out of the loop, which
/// afl-fuzz records as a crash (hangs are afl-fuzz's own -t timeout). Coverage comes from the
/// assemblies infra/fuzz.sh instruments with the sharpfuzz tool.
/// </summary>
internal static class AflEntry
{
    public static void Run(FuzzTarget target)
    {
        var executor = target.Start();
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var input = copy.ToArray();
            // Time is afl-fuzz's to judge (its -t hangs): a run slowed by a busy machine is no crash.
            if (FuzzRunner.Execute(target, executor, input, out _, out _, out _, out _) is { Kind: not "slow" } finding)
            {
                throw new FuzzInvariantException($"{finding.Kind}: {finding.Signature}\n{finding.Message}");
            }
        });
    }
}
