namespace OrleansLive.UnitTests.Audio;

/// <summary>Tests that read the process's CPU time or memory: run with no other test in parallel.</summary>
[CollectionDefinition(nameof(ProcessWideMeasurements), DisableParallelization = true)]
public sealed class ProcessWideMeasurements;
