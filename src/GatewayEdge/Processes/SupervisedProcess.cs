using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>
/// One configured external process (an ingest's ffmpeg, an exec command), run from its argv without a
/// shell: started, restarted with <see cref="ProcessBackoff"/> whenever it ends, its stderr kept as a
/// bounded <see cref="StderrTail"/> and its stdout drained. <see cref="StopAsync"/> sends SIGTERM and kills
/// the process (and its children) when it has not ended after the grace period.
/// </summary>
public sealed partial class SupervisedProcess : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _grace;
    private readonly StderrTail _tail = new();
    private Task _loop = Task.CompletedTask;
    private Process? _process;
    private volatile string _state = ProcessStates.Backoff;
    private int _restarts;
    private int? _lastExitCode;
    private DateTime? _startedUtc;

    public SupervisedProcess(string kind, string name, string streamKey, IReadOnlyList<string> argv, ILogger logger, TimeSpan? grace = null)
    {
        if (argv.Count == 0)
        {
            throw new ArgumentException("empty command", nameof(argv));
        }
        (Kind, Name, StreamKey, Argv, _logger, _grace) = (kind, name, streamKey, argv, logger, grace ?? TimeSpan.FromSeconds(5));
    }

    public string Kind { get; }

    public string Name { get; }

    public string StreamKey { get; }

    public IReadOnlyList<string> Argv { get; }

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>When the running instance started; null while none runs.</summary>
    public DateTime? RunningSinceUtc => _state == ProcessStates.Running ? _startedUtc : null;

    public ProcessStatus Status(string gatewayId)
    {
        var process = _process;
        var pid = 0;
        if (process is not null && _state == ProcessStates.Running)
        {
            try
            {
                pid = process.Id;
            }
            catch (InvalidOperationException)
            {
            }
        }
        return new ProcessStatus(Kind, Name, StreamKey, gatewayId, _state, pid, Volatile.Read(ref _restarts), _lastExitCode, _startedUtc, Argv, _tail.Lines());
    }

    private async Task RunAsync()
    {
        var failures = 0;
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            var started = DateTime.UtcNow;
            using var process = new Process
            {
                StartInfo = new ProcessStartInfo(Argv[0])
                {
                    UseShellExecute = false,
                    RedirectStandardError = true,
                    RedirectStandardOutput = true,
                    RedirectStandardInput = true,
                },
            };
            foreach (var arg in Argv.Skip(1))
            {
                process.StartInfo.ArgumentList.Add(arg);
            }
            var ran = false;
            try
            {
                process.Start();
                ran = true;
            }
            catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
            {
                _tail.AppendLine($"{Argv[0]}: {ex.Message}");
                LogStartFailed(Kind, Name, Argv[0], ex.Message);
            }
            if (ran)
            {
                _process = process;
                _startedUtc = started;
                _state = ProcessStates.Running;
                LogStarted(Kind, Name, process.Id);
                process.StandardInput.Close();
                var stderr = PumpAsync(process.StandardError, _tail);
                var stdout = PumpAsync(process.StandardOutput, null);
                try
                {
                    await process.WaitForExitAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    await TerminateAsync(process).ConfigureAwait(false);
                }
                try
                {
                    await Task.WhenAll(stderr, stdout).WaitAsync(_grace, CancellationToken.None).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // A child of the process still holds its pipes; the tail stops here.
                }
                _lastExitCode = process.ExitCode;
                _process = null;
                if (token.IsCancellationRequested)
                {
                    LogStopped(Kind, Name, process.ExitCode);
                    break;
                }
            }
            failures = ProcessBackoff.Next(failures, DateTime.UtcNow - started);
            var delay = ProcessBackoff.Delay(failures);
            _state = ProcessStates.Backoff;
            if (ran)
            {
                LogDied(Kind, Name, process.ExitCode, delay.TotalSeconds, failures, StreamKey, _tail.Lines().LastOrDefault() ?? "");
            }
            try
            {
                await Task.Delay(delay, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            Interlocked.Increment(ref _restarts);
        }
        _state = ProcessStates.Stopped;
    }

    private async Task TerminateAsync(Process process)
    {
        try
        {
            if (!OperatingSystem.IsWindows())
            {
                _ = kill(process.Id, SigTerm);
            }
            else
            {
                process.Kill(entireProcessTree: true);
            }
            using var grace = new CancellationTokenSource(_grace);
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                LogKilled(Kind, Name, _grace.TotalSeconds);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task PumpAsync(StreamReader reader, StderrTail? tail)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory()).ConfigureAwait(false)) > 0)
            {
                tail?.Append(buffer.AsSpan(0, read));
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Ends the running instance (SIGTERM, then kill) as a failure, so it starts again after its
    /// backoff; <paramref name="reason"/> goes into the stderr tail.</summary>
    public void Recycle(string reason)
    {
        if (_process is { } process && _state == ProcessStates.Running)
        {
            _tail.AppendLine(reason);
            LogRecycled(Kind, Name, reason);
            _ = TerminateAsync(process);
        }
    }

    /// <summary>Ends the process (SIGTERM, then kill after the grace period) and stops restarting it.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Name} started, pid {Pid}")]
    private partial void LogStarted(string kind, string name, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Name} could not start {Program}: {Error}")]
    private partial void LogStartFailed(string kind, string name, string program, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Name} exited with code {ExitCode}, restarting in {DelaySeconds} s (failure {Failures} in a row, stream {Stream}); last stderr: {LastLine}")]
    private partial void LogDied(string kind, string name, int exitCode, double delaySeconds, int failures, string stream, string lastLine);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Name} ended: {Reason}")]
    private partial void LogRecycled(string kind, string name, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Name} stopped (exit code {ExitCode})")]
    private partial void LogStopped(string kind, string name, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Name} did not end within {GraceSeconds} s of SIGTERM; killed")]
    private partial void LogKilled(string kind, string name, double graceSeconds);
}
