using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.UnitTests.Sessions;

public sealed class ReasonLogTests
{
    [Fact]
    public async Task Each_reason_gets_its_lines_and_one_summary_for_the_rest()
    {
        var logger = new ListLogger();
        var log = new ReasonLog(logger, linesPerWindow: 2, windowSeconds: 0.3);
        var taken = Enumerable.Range(0, 1000).Count(_ => log.TryTake("a", "things of a"));
        Assert.Equal(2, taken);
        Assert.True(log.TryTake("b", "things of b"), "another reason has its own budget");

        var clock = Stopwatch.StartNew();
        while (!logger.Lines.Any(l => l.Contains("998 more things of a", StringComparison.Ordinal)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "no summary: " + string.Join('\n', logger.Lines));
            await Task.Delay(20);
        }
        Assert.Single(logger.Lines);
    }

    [Fact]
    public void Reasons_past_the_bound_share_one_budget()
    {
        var log = new ReasonLog(new ListLogger(), linesPerWindow: 1, windowSeconds: 60);
        for (var i = 0; i < ReasonLog.MaxReasons; i++)
        {
            Assert.True(log.TryTake("r" + i, "r"));
        }
        Assert.True(log.TryTake("one more", "r"));
        Assert.False(log.TryTake("and another", "r"));
    }

    private sealed class ListLogger : ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }
}
