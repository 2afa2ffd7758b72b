using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording;

namespace OrleansLive.GatewayEdge.Recording.Hls;

/// <summary>What outlives one publish of a playlist: its segments, sequence numbers and init files.</summary>
public sealed class HlsStreamState
{
    public HlsStreamState(string m3u8File, double fragmentSeconds)
    {
        M3u8File = m3u8File;
        Playlist = new HlsPlaylist(fragmentSeconds);
    }

    /// <summary>The playlist path as the template made it.</summary>
    public string M3u8File { get; }

    public HlsPlaylist Playlist { get; }

    /// <summary>The media sequence number the next segment gets.</summary>
    public long NextSequence { get; set; }

    /// <summary>fMP4 init segments written for this playlist and not yet deleted.</summary>
    public HashSet<string> InitFiles { get; } = [];

    internal CancellationTokenSource? Disposal { get; set; }

    internal bool InUse { get; set; }
}

/// <summary>
/// This gateway's playlists, keyed by playlist path: a republish continues the same playlist (with a
/// discontinuity), and a playlist whose stream has been gone for hls_dispose seconds is removed
/// from disk with all its segments (SRS's hls_dispose; 0 keeps the files).
/// </summary>
public sealed class HlsStreams(IMediaFileSystem files, ILogger<HlsStreams> logger)
{
    private readonly Dictionary<string, HlsStreamState> _states = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>The state of a playlist for a new publish; cancels its pending disposal. Null if the
    /// playlist is being written by another publish on this gateway.</summary>
    public HlsStreamState? Acquire(string m3u8File, double fragmentSeconds)
    {
        var key = Path.GetFullPath(m3u8File);
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
                state = new HlsStreamState(m3u8File, fragmentSeconds);
                _states.Add(key, state);
            }
            state.InUse = true;
            return state;
        }
    }

    /// <summary>The publish ended: after <paramref name="dispose"/> without a new publish, the files go.</summary>
    public void Release(HlsStreamState state, TimeSpan dispose)
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

    private async Task DisposeLaterAsync(HlsStreamState state, TimeSpan delay, CancellationToken cancel)
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
            _states.Remove(Path.GetFullPath(state.M3u8File));
            doomed = [.. state.Playlist.Clear().Select(e => e.File), .. state.InitFiles, state.M3u8File];
            state.InitFiles.Clear();
        }
        var failed = doomed.Count(file => !files.TryDelete(file));
        logger.LogInformation("HLS {Playlist} disposed after {Seconds} s without a publisher: {Count} files removed{Failed}",
            state.M3u8File, delay.TotalSeconds, doomed.Count - failed, failed > 0 ? $", {failed} could not be" : "");
    }
}
