using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace OrleansLive.UnitTests.Rtc.Dtls;

/// <summary>An openssl s_client or s_server process whose output a test waits on; killed on dispose.</summary>
internal sealed class OpenSslPeer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly ConcurrentQueue<TaskCompletionSource<string>> _waiters = new();

    private OpenSslPeer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static OpenSslPeer Start(params string[] args)
    {
        var info = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        return new OpenSslPeer(Process.Start(info)!);
    }

    /// <summary>Makes a P-256 key and self-signed certificate in <paramref name="dir"/>; returns (cert path, key path).</summary>
    public static (string Certificate, string Key) MakeCertificate(string dir)
    {
        var cert = Path.Combine(dir, "cert.pem");
        var key = Path.Combine(dir, "key.pem");
        using var process = Process.Start(new ProcessStartInfo("openssl",
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=openssl-peer", "-keyout", key, "-out", cert])
        { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(30_000), "openssl req did not finish");
        Assert.True(process.ExitCode == 0, stderr.Result);
        return (cert, key);
    }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Waits until the output holds a line starting (after spaces) with <paramref name="prefix"/>; returns the rest of it.</summary>
    public async Task<string> WaitForLine(string prefix, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (true)
        {
            var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
            foreach (var line in Output.Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.StartsWith(prefix, StringComparison.Ordinal))
                    return trimmed[prefix.Length..].Trim();
            }
            var left = end - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _process.HasExited && !await Completes(waiter.Task, TimeSpan.FromMilliseconds(200)))
                throw new TimeoutException($"openssl never printed '{prefix}'. Output:\n{Output}");
            await Completes(waiter.Task, left);
        }
    }

    private static async Task<bool> Completes(Task task, TimeSpan within) =>
        await Task.WhenAny(task, Task.Delay(within)) == task;

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Append(line).Append('\n');
        while (_waiters.TryDequeue(out var waiter))
            waiter.TrySetResult(line);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
