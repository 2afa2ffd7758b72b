namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// One parser entry point under fuzzing: where its seeds come from, how to run one input, which
/// exceptions are the parser's own verdict on bad input, and how much one input may allocate.
/// </summary>
internal sealed class FuzzTarget
{
    public required string Name { get; init; }

    /// <summary>What the target feeds and which code it reaches, for `fuzz.sh list`.</summary>
    public required string Summary { get; init; }

    /// <summary>Builds the run's state (contexts, buffers shared across inputs) and returns the
    /// executor of one input: true when the parser accepted it (parsed something, produced output).</summary>
    public required Func<FuzzExecutor> Start { get; init; }

    /// <summary>The seed inputs; by default the files of tests/UnitTests/Corpus/<see cref="Name"/>.</summary>
    public Func<byte[][]>? Seeds { get; init; }

    /// <summary>Exceptions that are the parser rejecting input (its format exception); any other is a finding.</summary>
    public IReadOnlyList<Type> FormatExceptions { get; init; } = [];

    /// <summary>Bytes one input may allocate on the fuzzing thread; more is an unbounded-allocation finding.</summary>
    public long MaxAllocatedBytes { get; init; } = 4L << 20;

    /// <summary>Inputs of the bounded run in the normal test suite (a few seconds).</summary>
    public int BoundedInputs { get; init; } = 3000;

    /// <summary>Fewest accepted inputs a bounded run must see: the corpus and mutations still reach the parser's depths.</summary>
    public int MinAccepted { get; init; } = 1;

    /// <summary>The mutator; byte-level <see cref="Mutations.Mutate"/> unless the target knows better.</summary>
    public Func<Random, byte[], byte[]> Mutate { get; init; } = (random, seed) => Mutations.Mutate(random, seed);

    public byte[][] LoadSeeds() => Seeds is { } seeds ? seeds() : Mutations.Corpus(Name);

    public bool IsFormatException(Exception exception) =>
        FormatExceptions.Any(type => type.IsInstanceOfType(exception));
}

/// <summary>Runs one input; <paramref name="random"/> is seeded from the input itself, so a saved input replays exactly.</summary>
internal delegate bool FuzzExecutor(byte[] input, Random random);

/// <summary>An input broke a property the target checks beyond "does not throw" (a cap, a round trip, a forgery accepted).</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message)
{
    public static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(message);
        }
    }
}
