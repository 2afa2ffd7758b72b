using Microsoft.Extensions.Logging;

namespace OrleansLive.GatewayEdge.Recording.Dash;

/// <summary>A closed media segment of one track: number, place on the track's timeline, size and file.</summary>
internal sealed record DashTrackSegment(long Start, long Duration, long Bytes, string File);

/// <summary>A closed segment number with what each track wrote for it; <see cref="EndMs"/> orders the window.</summary>
internal sealed record DashSegment(long Number, long EndMs, DashTrackSegment? Video, DashTrackSegment? Audio);

/// <summary>What outlives one publish of an MPD: its segment numbers, and the files to remove later.</summary>
public sealed class DashStreamState(string mpdFile)
{
    /// <summary>The MPD path as the template made it.</summary>
    public string MpdFile { get; } = mpdFile;

    /// <summary>The number the next segment gets; numbers never repeat for one MPD, so caches never mix publishes.</summary>
    public long NextNumber { get; set; }

    internal List<DashSegment> Segments { get; } = [];

    /// <summary>Init segments and media segments written and not yet deleted.</summary>
    internal HashSet<string> Files { get; } = new(StringComparer.Ordinal);

    internal CancellationTokenSource? Disposal { get; set; }

    internal bool InUse { get; set; }
}

/// <summary>
/// This gateway's DASH outputs keyed by MPD path: one publish at a time writes an MPD, a republish
/// continues its numbering, and an MPD whose stream has been gone for dash_dispose seconds is removed
/// from disk with all its segments (0 keeps the files).
/// </summary>
public sealed class DashStreams(IMediaFileSystem files, ILogger<DashStreams> logger)
{
    private readonly Dictionary<string, DashStreamState> _states = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The state of an MPD for a new publish; null if another publish on this gateway writes it.</summary>
    public DashStreamState? Acquire(string mpdFile)
    {
        var key = Path.GetFullPath(mpdFile);
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
                state = new DashStreamState(mpdFile);
                _states.Add(key, state);
            }
            state.InUse = true;
            return state;
        }
    }

    /// <summary>The publish ended: after <paramref name="dispose"/> without a new publish, the files go.</summary>
    public void Release(DashStreamState state, TimeSpan dispose)
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

    private async Task DisposeLaterAsync(DashStreamState state, TimeSpan delay, CancellationToken cancel)
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
            _states.Remove(Path.GetFullPath(state.MpdFile));
            doomed = [state.MpdFile, .. state.Files];
            state.Files.Clear();
            state.Segments.Clear();
        }
        var failed = doomed.Count(file => !files.TryDelete(file));
        logger.LogInformation("DASH {Mpd} disposed after {Seconds} s without a publisher: {Count} files removed{Failed}",
            state.MpdFile, delay.TotalSeconds, doomed.Count - failed, failed > 0 ? $", {failed} could not be" : "");
    }
}
