using OrleansLive.GatewayEdge.Processes;

namespace OrleansLive.UnitTests.Processes;

public sealed class StderrTailTests
{
    [Fact]
    public void Keeps_the_last_lines_split_at_newlines_and_carriage_returns()
    {
        var tail = new StderrTail();
        tail.Append("one\ntwo\r\nthree\rfour");
        Assert.Equal(["one", "two", "three", "four"], tail.Lines());
        tail.Append(" more\n");
        Assert.Equal("four more", tail.Lines()[^1]);
    }

    [Fact]
    public void A_flood_stays_within_its_bounds()
    {
        var tail = new StderrTail();
        var line = new string('x', 10_000) + "\n";
        for (var i = 0; i < 1000; i++)
        {
            tail.Append(line);
            tail.Append($"line {i}\n");
        }
        // One endless line keeps only its start.
        tail.Append(new string('y', 1_000_000));
        var lines = tail.Lines();
        Assert.Equal(StderrTail.MaxLines + 1, lines.Count);
        Assert.All(lines, l => Assert.True(l.Length <= StderrTail.MaxLineChars));
        Assert.Equal("line 999", lines[^2]);
        Assert.Equal(new string('y', StderrTail.MaxLineChars), lines[^1]);
    }

    [Fact]
    public void A_hundred_megabytes_of_output_cost_a_bounded_amount_of_memory()
    {
        var tail = new StderrTail();
        // As the pump reads it: 64 KB chunks of one buffer, first one endless line, then long lines.
        var chunk = new char[64 * 1024];
        Array.Fill(chunk, 'z');
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var read = 0L; read < 50_000_000; read += chunk.Length)
        {
            tail.Append(chunk);
        }
        var endless = GC.GetAllocatedBytesForCurrentThread() - before;
        for (var i = 4_000; i < chunk.Length; i += 4_000)
        {
            chunk[i] = '\n';
        }
        for (var read = 0L; read < 50_000_000; read += chunk.Length)
        {
            tail.Append(chunk);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The endless line allocates nothing; each kept line at most its 256 characters (about 12,500 lines).
        Assert.True(endless < 64 * 1024, $"{endless} bytes allocated for one endless line");
        Assert.True(allocated < 12 * 1024 * 1024, $"{allocated} bytes allocated for 100 MB of output");
        var lines = tail.Lines();
        Assert.Equal(StderrTail.MaxLines + 1, lines.Count);
        Assert.All(lines, l => Assert.Equal(new string('z', StderrTail.MaxLineChars), l));
    }
}
