using System.Diagnostics;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.LoadTool;

public enum PlayerState
{
    Connecting,
    Playing,
    /// <summary>The run ended it.</summary>
    Closed,
    /// <summary>The server closed or ended it during the run.</summary>
    Dropped,
    /// <summary>It never started playing.</summary>
    Failed,
}

/// <summary>What all players of one run share: the clock rules and the latency histograms.</summary>
public sealed class PlayerContext
{
    private LatencyHistogram _interval = new();

    public PlayerContext(LoadOptions options)
    {
        Options = options;
        StallTicks = options.StallMilliseconds * Stopwatch.Frequency / 1000;
    }

    public LoadOptions Options { get; }

    public long StallTicks { get; }

    /// <summary>Every latency sample of the run.</summary>
    public LatencyHistogram LatencyAll { get; } = new();

    /// <summary>Samples taken while every player was connected (the measurement window).</summary>
    public LatencyHistogram LatencySteady { get; } = new();

    public LatencyHistogram TimeToFirstFrame { get; } = new();

    public volatile bool Steady;

    /// <summary>Set when the run is stopping, so closes are not counted as drops.</summary>
    public volatile bool Stopping;

    public LatencyHistogram SwapInterval() => Interlocked.Exchange(ref _interval, new LatencyHistogram());

    public void RecordLatency(long ticks)
    {
        LatencyAll.RecordTicks(ticks);
        Volatile.Read(ref _interval).RecordTicks(ticks);
        if (Steady)
        {
            LatencySteady.RecordTicks(ticks);
        }
    }
}

/// <summary>
/// One playing connection. Counters are written by its own receive path only and read by the
/// per-second sampler, so nothing on the receive path is shared or locked. Subclasses supply the
/// transport: <see cref="SocketPlayer"/> for TCP (RTMP, HTTP), <see cref="SrtPlayer"/> for SRT.
/// </summary>
public abstract class LoadPlayer
{
    private readonly PlayerContext _context;
    private long _lastMedia;
    private volatile bool _leaving;

    protected LoadPlayer(int index, string stream, PlayerContext context)
    {
        Index = index;
        Stream = stream;
        _context = context;
    }

    public int Index { get; }

    public string Stream { get; }

    public abstract string Kind { get; }

    public PlayerState State { get; private set; } = PlayerState.Connecting;

    public string? Error { get; private set; }

    public long BytesReceived;
    public long VideoFrames;
    public long AudioFrames;
    public long OtherMessages;
    public int Stalls;
    public long MaxGapTicks;

    /// <summary>When connecting began, when play was asked for, and when the first video frame came.</summary>
    public long ConnectTicks { get; private set; }

    public long PlayRequestTicks { get; protected set; }

    public long FirstFrameTicks { get; private set; }

    public bool GotFrames => FirstFrameTicks != 0;

    public long LastMediaTicks => Volatile.Read(ref _lastMedia);

    /// <summary>Told of each stall as it is counted: the last media before the gap and the end of the gap.</summary>
    public Action<LoadPlayer, long, long>? StallObserved { get; set; }

    protected PlayerContext Context => _context;

    protected LoadOptions Options => _context.Options;

    public async Task RunAsync(SemaphoreSlim connectSlots, CancellationToken cancellationToken)
    {
        try
        {
            await connectSlots.WaitAsync(cancellationToken);
            try
            {
                ConnectTicks = Stopwatch.GetTimestamp();
                using var setup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                setup.CancelAfter(TimeSpan.FromSeconds(Options.ConnectTimeoutSeconds));
                await OpenAsync(setup.Token);
            }
            finally
            {
                connectSlots.Release();
            }
            State = PlayerState.Playing;
            await PlayAsync(cancellationToken);
            State = _context.Stopping || _leaving ? PlayerState.Closed : PlayerState.Dropped;
            Error ??= State == PlayerState.Dropped ? "server ended the stream" : null;
        }
        catch (Exception ex) when (_context.Stopping || _leaving || cancellationToken.IsCancellationRequested)
        {
            State = State == PlayerState.Playing ? PlayerState.Closed : PlayerState.Failed;
            Error ??= State == PlayerState.Failed ? "run ended before it started: " + ex.Message : null;
        }
        catch (Exception ex)
        {
            State = State == PlayerState.Playing ? PlayerState.Dropped : PlayerState.Failed;
            Error = ex.Message;
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Ends the connection (and so its receive path) at the end of the run.</summary>
    public abstract void Close();

    /// <summary>The player ends its own play (a viewer leaving): counted as closed, not dropped. Its
    /// media gap up to now is checked first, so a stall just before leaving still counts.</summary>
    public void Leave()
    {
        if (State == PlayerState.Playing)
        {
            FinishStallCheck(Stopwatch.GetTimestamp());
        }
        _leaving = true;
        Close();
    }

    /// <summary>A gap in media longer than this is a stall: the run's limit unless the protocol
    /// delivers media in larger steps (HLS segments).</summary>
    protected virtual long StallLimitTicks => _context.StallTicks;

    /// <summary>Counts a player still without media past the stall limit at the end of the run.</summary>
    public void FinishStallCheck(long now)
    {
        var last = LastMediaTicks;
        if (last != 0 && now - last > StallLimitTicks)
        {
            Stalls++;
            MaxGapTicks = Math.Max(MaxGapTicks, now - last);
            StallObserved?.Invoke(this, last, now);
        }
    }

    /// <summary>Connects and asks to play; returns once the server accepted the play.</summary>
    protected abstract Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>Receives media until the server or the run ends the connection.</summary>
    protected abstract Task PlayAsync(CancellationToken cancellationToken);

    /// <summary>Frees the connection once the player is done, however it ended.</summary>
    protected abstract void Release();

    /// <summary>An FLV audio or video message arrived; <paramref name="prefix"/> is the start of its payload.</summary>
    protected void OnMedia(byte type, ReadOnlySpan<byte> prefix)
    {
        var now = Stopwatch.GetTimestamp();
        if (type == 9)
        {
            var sequenceHeader = prefix.Length > 1 && prefix[1] == 0;
            OnVideo(now, !sequenceHeader, LatencyStamp.TryRead(prefix, out var stamp) ? stamp : 0);
        }
        else
        {
            OnAudio(now);
        }
    }

    /// <summary>A video message or access unit whose first bytes arrived at <paramref name="arrived"/>.</summary>
    /// <param name="frame">A coded frame, not a sequence header.</param>
    /// <param name="stamp">The publisher's <see cref="LatencyStamp"/> in it, or 0.</param>
    protected void OnVideo(long arrived, bool frame, long stamp)
    {
        Arrived(arrived);
        VideoFrames++;
        if (frame && FirstFrameTicks == 0)
        {
            FirstFrameTicks = arrived;
            _context.TimeToFirstFrame.RecordTicks(arrived - ConnectTicks);
        }
        // Frames stamped before we asked to play come from the GOP cache: their age is not latency.
        if (stamp != 0 && stamp >= PlayRequestTicks)
        {
            _context.RecordLatency(arrived - stamp);
        }
    }

    protected void OnAudio(long arrived)
    {
        Arrived(arrived);
        AudioFrames++;
    }

    /// <summary>Gaps and stalls between media arrivals; an arrival older than the last one (a frame
    /// known only once its end came) does not move the clock back.</summary>
    private void Arrived(long now)
    {
        var last = _lastMedia;
        if (now <= last)
        {
            return;
        }
        if (last != 0)
        {
            var gap = now - last;
            if (gap > MaxGapTicks)
            {
                MaxGapTicks = gap;
            }
            if (gap > StallLimitTicks)
            {
                Stalls++;
                StallObserved?.Invoke(this, last, now);
            }
        }
        Volatile.Write(ref _lastMedia, now);
    }
}
