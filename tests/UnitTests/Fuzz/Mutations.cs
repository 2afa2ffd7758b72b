namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// The seeded mutations every fuzz harness applies to its corpus: bit flips, byte overwrites, cuts,
/// random insertions, duplicated stretches and truncation. The same seed replays the same inputs.
/// </summary>
internal static class Mutations
{
    /// <summary>The files of tests/UnitTests/Corpus/<paramref name="target"/>, in name order.</summary>
    public static byte[][] Corpus(string target) =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", target)).Order().Select(File.ReadAllBytes)];

    /// <param name="maxEdits">At most this many edits (at least one).</param>
    /// <param name="maxChunk">The longest stretch an edit cuts, inserts or duplicates.</param>
    public static byte[] Mutate(Random random, byte[] seed, int maxEdits = 7, int maxChunk = 400)
    {
        var data = new List<byte>(seed);
        var edits = random.Next(1, maxEdits + 1);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.RemoveRange(at, Math.Min(random.Next(1, maxChunk), data.Count - at));
                    break;
                case 3:
                    data.InsertRange(at, Enumerable.Range(0, random.Next(1, Math.Min(64, maxChunk))).Select(_ => (byte)random.Next(256)));
                    break;
                case 4:
                    var length = Math.Min(random.Next(1, maxChunk), data.Count - at);
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                    break;
                default:
                    data.RemoveRange(at, data.Count - at);
                    break;
            }
        }
        return [.. data];
    }
}
