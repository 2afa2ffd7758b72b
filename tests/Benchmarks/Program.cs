using BenchmarkDotNet.Running;

namespace OrleansLive.Benchmarks;

/// <summary>Micro-benchmarks of the media path; run them with infra/bench/micro.sh (which passes
/// --inProcess), never in the test run.</summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
