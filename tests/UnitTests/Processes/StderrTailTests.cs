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
}
