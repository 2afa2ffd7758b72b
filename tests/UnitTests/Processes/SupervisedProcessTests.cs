using Microsoft.Extensions.Logging.Abstractions;
using OrleansLive.GatewayEdge.Processes;
using OrleansLive.Interfaces;

namespace OrleansLive.UnitTests.Processes;

/// <summary>The supervisor over real /bin/sh processes.</summary>
public sealed class SupervisedProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static async Task<ProcessStatus> WaitAsync(SupervisedProcess process, Func<ProcessStatus, bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var status = process.Status("gw");
            if (condition(status))
            {
                return status;
            }
            Assert.True(DateTime.UtcNow < until, $"condition not met: {status.State} restarts {status.Restarts}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_process_that_dies_is_restarted_with_its_exit_code_and_stderr_kept()
    {
        await using var process = new SupervisedProcess("exec", "t", "v/a/s", ["/bin/sh", "-c", "echo boom >&2; exit 3"], NullLogger.Instance);
        process.Start();
        var status = await WaitAsync(process, s => s.Restarts >= 1 && s.LastExitCode == 3);
        Assert.Contains("boom", status.StderrTail);
        Assert.Equal(["/bin/sh", "-c", "echo boom >&2; exit 3"], status.Command);
    }

    [Fact]
    public async Task Stop_sends_sigterm_and_the_process_may_clean_up()
    {
        var marker = Path.Combine(Path.GetTempPath(), "sup-" + Guid.NewGuid().ToString("N"));
        var script = $"touch {marker}; trap 'rm -f {marker}; exit 0' TERM; while :; do sleep 0.1; done";
        var process = new SupervisedProcess("exec", "t", "v/a/s", ["/bin/sh", "-c", script], NullLogger.Instance);
        process.Start();
        var running = await WaitAsync(process, s => s.State == ProcessStates.Running && File.Exists(marker));
        Assert.True(running.Pid > 0);
        await process.DisposeAsync();
        var stopped = process.Status("gw");
        Assert.Equal(ProcessStates.Stopped, stopped.State);
        Assert.Equal(0, stopped.LastExitCode);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_process_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        var process = new SupervisedProcess("exec", "t", "v/a/s", ["/bin/sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"], NullLogger.Instance,
            TimeSpan.FromMilliseconds(300));
        process.Start();
        var pid = (await WaitAsync(process, s => s.State == ProcessStates.Running)).Pid;
        await process.DisposeAsync();
        Assert.Equal(ProcessStates.Stopped, process.Status("gw").State);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_program_that_does_not_exist_waits_in_backoff_with_the_error_in_its_tail()
    {
        await using var process = new SupervisedProcess("ingest", "t", "v/a/s", ["/nonexistent/ffmpeg", "-i", "x"], NullLogger.Instance);
        process.Start();
        var status = await WaitAsync(process, s => s.State == ProcessStates.Backoff && s.StderrTail.Count > 0);
        Assert.Contains("/nonexistent/ffmpeg", status.StderrTail[0]);
        Assert.Equal(0, status.Pid);
    }

    [Fact]
    public async Task A_process_that_floods_stderr_is_drained_and_its_tail_stays_bounded()
    {
        // 100 MB: 60 MB of one line without a newline, then 40 MB of 1,000-character lines, then a last word.
        const string script = "head -c 60000000 /dev/zero | tr '\\0' x >&2; head -c 30000000 /dev/zero | base64 -w 1000 >&2; echo last words >&2; exit 4";
        await using var process = new SupervisedProcess("exec", "t", "v/a/s", ["/bin/sh", "-c", script], NullLogger.Instance);
        process.Start();
        // The writer is never blocked on a full pipe: it runs to its end and exits.
        var status = await WaitAsync(process, s => s.LastExitCode == 4);
        Assert.True(status.StderrTail.Count <= StderrTail.MaxLines + 1);
        Assert.All(status.StderrTail, l => Assert.True(l.Length <= StderrTail.MaxLineChars));
        Assert.Equal("last words", status.StderrTail[^1]);
    }
}
