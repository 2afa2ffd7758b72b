using System.Diagnostics;

namespace OrleansLive.LoadTool.Drills;

/// <summary>
/// A server process a drill starts (the all-in-one server, a silo, a gateway, redis-server): its
/// output goes to a log file, lines can be awaited, and it can be killed with SIGKILL (kill -9) or
/// asked to stop with SIGTERM. Disposing kills what is still running.
/// </summary>
public sealed class DrillProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly List<(string Fragment, TaskCompletionSource Seen)> _awaited = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    private DrillProcess(string name, string file, IReadOnlyList<string> args, string logPath, string? workingDirectory)
    {
        Name = name;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        _log.WriteLine($"== {DateTime.UtcNow:O} {file} {string.Join(' ', args)}");
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Line(e.Data);
        _process.ErrorDataReceived += (_, e) => Line(e.Data);
        _process.Exited += (_, _) => _exited.TrySetResult();
        _process.Start();
        Id = _process.Id;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Id { get; }

    public bool HasExited => _exited.Task.IsCompleted;

    public Task Exited => _exited.Task;

    public static DrillProcess Start(string name, string file, IReadOnlyList<string> args, string logPath, string? workingDirectory = null) =>
        new(name, file, args, logPath, workingDirectory);

    /// <summary>Completes once a line containing <paramref name="fragment"/> was written (at any time since the start).</summary>
    public Task SeenAsync(string fragment)
    {
        lock (_awaited)
        {
            if (_seen.Contains(fragment))
            {
                return Task.CompletedTask;
            }
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _awaited.Add((fragment, seen));
            return seen.Task;
        }
    }

    /// <summary>kill -9: no chance to clean up, as a crash or an OOM kill.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>SIGTERM, then SIGKILL if the process has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited)
        {
            return;
        }
        using (var term = Process.Start("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }
        if (!await WaitForExitAsync(grace))
        {
            Kill();
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)) != _exited.Task)
        {
            return false;
        }
        await _process.WaitForExitAsync();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        lock (_awaited)
        {
            _log.Dispose();
        }
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_awaited)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            for (var i = _awaited.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_awaited[i].Fragment, StringComparison.Ordinal))
                {
                    _seen.Add(_awaited[i].Fragment);
                    _awaited[i].Seen.TrySetResult();
                    _awaited.RemoveAt(i);
                }
            }
        }
    }
}
