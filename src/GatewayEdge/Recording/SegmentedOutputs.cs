using Microsoft.Extensions.Logging;

namespace OrleansLive.GatewayEdge.Recording;

/// <summary>What outlives one publish of a segmented output (an HLS playlist, a DASH MPD): the
/// publish that writes it now, and a pending removal once none does.</summary>
public abstract class SegmentedOutputState
{
    internal CancellationTokenSource? Disposal { get; set; }

    internal bool InUse { get; set; }

    /// <summary>The index file (playlist, MPD) path as the template made it.</summary>
    internal abstract string IndexFile { get; }

    /// <summary>Forgets the output's segments and returns every file it wrote, its index file included.</summary>
    internal abstract List<string> TakeFiles();
}

/// <summary>
/// This gateway's segmented outputs of one kind, keyed by the full path of their index file: one publish
/// at a time writes an output, a republish continues it, and an output whose stream has been gone for
/// the dispose time is removed from disk with all its segments (SRS's hls_dispose / dash_dispose; 0
/// keeps the files).
/// </summary>
public abstract class SegmentedOutputs<TState>(IMediaFileSystem files, ILogger logger, string kind)
    where TState : SegmentedOutputState
{
    private readonly Dictionary<string, TState> _states = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The state of an output for a new publish; cancels its pending disposal. Null if another
    /// publish on this gateway writes it.</summary>
    protected TState? Acquire(string indexFile, Func<TState> create)
    {
        var key = Path.GetFullPath(indexFile);
        lock (_gate)
        {
            if (_states.TryGetValue(key, out var state))
            {
                if (state.InUse)
                {
                    return null;
                }
                state.Disposal?.Cancel();
                state.Disposal = null;
            }
            else
            {
                state = create();
                _states.Add(key, state);
            }
            state.InUse = true;
            return state;
        }
    }

    /// <summary>The publish ended: after <paramref name="dispose"/> without a new publish, the files go.</summary>
    public void Release(TState state, TimeSpan dispose)
    {
        lock (_gate)
        {
            state.InUse = false;
            if (dispose <= TimeSpan.Zero)
            {
                return;
            }
            var cancel = new CancellationTokenSource();
            state.Disposal = cancel;
            _ = DisposeLaterAsync(state, dispose, cancel.Token);
        }
    }

    private async Task DisposeLaterAsync(TState state, TimeSpan delay, CancellationToken cancel)
    {
        try
        {
            await Task.Delay(delay, cancel).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        List<string> doomed;
        lock (_gate)
        {
            if (cancel.IsCancellationRequested || state.InUse)
            {
                return;
            }
            _states.Remove(Path.GetFullPath(state.IndexFile));
            doomed = state.TakeFiles();
        }
        var failed = doomed.Count(file => !files.TryDelete(file));
        logger.LogInformation("{Kind} {File} disposed after {Seconds} s without a publisher: {Count} files removed{Failed}",
            kind, state.IndexFile, delay.TotalSeconds, doomed.Count - failed, failed > 0 ? $", {failed} could not be" : "");
    }
}
