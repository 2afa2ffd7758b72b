using System.Runtime.CompilerServices;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>Why a player's queue stopped accepting frames.</summary>
public enum PlayerEnd
{
    None,
    /// <summary>The publisher left; queued frames are still delivered, then the player ends.</summary>
    Unpublished,
    /// <summary>The player fell behind too often; it is dropped at once.</summary>
    TooSlow,
    /// <summary>The connection went away or was kicked.</summary>
    Closed,
}

/// <summary>Bounds for one player's queue of shared frames.</summary>
/// <param name="MergeAudioMilliseconds">When above 0, an audio frame does not wake the player's send
/// loop by itself: it goes out with the next video frame, or once the oldest queued frame is this old
/// (SRS's merged write, limited to audio). Fewer, larger sends per player; video latency is unchanged.
/// Streams without video are not held back.</param>
public sealed record PlayerQueueLimits(int MaxLagMilliseconds = 10_000, long MaxBytes = 16 * 1024 * 1024, int MaxSkipsPerMinute = 6, int MergeAudioMilliseconds = 0);

/// <summary>
/// The frames waiting to be sent to one player: references to shared <see cref="MediaFrame"/>s, never
/// copies. The publisher side enqueues; the player's send loop drains. When the player lags more than
/// the limits allow, everything queued is dropped and the queue waits for the next keyframe (a GOP
/// boundary), so the player skips ahead instead of buffering without bound; a player that has to
/// skip too often is ended.
/// </summary>
public sealed class PlayerQueue
{
    private readonly Queue<MediaFrame> _frames = new();
    private readonly Queue<long> _skipTimes = new();
    private readonly PlayerQueueLimits _limits;
    private readonly AsyncSignal _signal = new();
    private readonly object _gate = new();
    private long _bytes;
    private uint _newestTimestamp;
    private bool _waitKeyframe;
    // Merged write: whether the queued frames are due to go out, and when the oldest was queued.
    private bool _due;
    private long _firstQueuedAtMs;
    private Timer? _flushTimer;

    public PlayerQueue(string clientId, PlayerQueueLimits limits)
    {
        ClientId = clientId;
        _limits = limits;
    }

    public string ClientId { get; }

    /// <summary>The audio the player can send: Opus for WebRTC, AAC or MP3 for the rest.</summary>
    public AudioFamily AudioFamily { get; init; }

    /// <summary>The player sends each frame's MPEG-TS form; the hub runs the stream's TS muxer for it.</summary>
    public bool ReadsTsForm { get; init; }

    /// <summary>The player may take the vhost's merged-write window (SRS's mw_latency): RTMP and HTTP
    /// players do; WebRTC, SRT and gateway-to-gateway pulls never wait.</summary>
    public bool MergesWrites { get; init; }

    /// <summary>Above 0, frames wait until the oldest queued one is this many milliseconds old (by the
    /// stream's timestamps, or by the clock when the stream pauses) and go out together. Sequence
    /// headers, metadata and the player's first frames are never held. Set before the queue is used.</summary>
    public int MergeWindowMilliseconds { get; set; }

    /// <summary>Called once, outside the queue's lock, when the player is dropped as too slow; the
    /// connection closes itself here, since its send loop may be stuck in a send.</summary>
    public Action<PlayerQueue>? Dropped { get; set; }

    public PlayerEnd End { get; private set; }

    /// <summary>How many times this player was skipped ahead to a keyframe.</summary>
    public int Skips { get; private set; }

    /// <summary>Frames dropped by skipping ahead.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Bytes the send loop reports as delivered.</summary>
    public long SentBytes => Interlocked.Read(ref _sentBytes);

    private long _sentBytes;

    public void AddSent(long bytes) => Interlocked.Add(ref _sentBytes, bytes);

    /// <summary>Player starts at a random access point: drop until the next keyframe.</summary>
    public void WaitForKeyframe()
    {
        lock (_gate)
        {
            _waitKeyframe = true;
        }
    }

    /// <summary>
    /// Queues a reference to the frame. <paramref name="randomAccess"/> marks a frame a player can
    /// start from: a video keyframe, or any audio frame of a stream without video.
    /// </summary>
    public void Enqueue(MediaFrame frame, bool randomAccess)
    {
        bool dropped, wake;
        lock (_gate)
        {
            if (End != PlayerEnd.None)
            {
                return;
            }
            var essential = frame.IsSequenceHeader || frame.IsScript;
            if (_waitKeyframe && !essential)
            {
                if (!randomAccess)
                {
                    DroppedFrames++;
                    return;
                }
                _waitKeyframe = false;
            }
            _frames.Enqueue(frame.AddRef());
            if (_frames.Count == 1)
            {
                _firstQueuedAtMs = Environment.TickCount64;
            }
            _bytes += frame.Length;
            _newestTimestamp = frame.Timestamp;
            if (IsLagging())
            {
                SkipAhead();
            }
            dropped = End == PlayerEnd.TooSlow;
            wake = dropped || (MergeWindowMilliseconds > 0
                ? essential || SentBytes == 0 || _frames.Count == 0 || Span(frame) >= MergeWindowMilliseconds
                : !frame.IsAudio || randomAccess || _limits.MergeAudioMilliseconds <= 0 || _frames.Count == 0 || Span(frame) >= _limits.MergeAudioMilliseconds);
            _due |= wake;
            if (!wake && MergeWindowMilliseconds > 0 && _frames.Count == 1)
            {
                // The first frame of a held run: should no other frame come, the clock sends it.
                ArmFlush(MergeWindowMilliseconds);
            }
        }
        if (wake)
        {
            _signal.Set();
        }
        if (dropped)
        {
            Dropped?.Invoke(this);
        }
    }

    /// <summary>Moves up to <paramref name="maxBytes"/> of queued frames into <paramref name="batch"/>
    /// (at least one frame if any). The caller releases each frame after sending it.</summary>
    public void Drain(List<MediaFrame> batch, int maxBytes)
    {
        lock (_gate)
        {
            var taken = 0;
            while (_frames.Count > 0 && (taken == 0 || taken + _frames.Peek().Length <= maxBytes))
            {
                var frame = _frames.Dequeue();
                _bytes -= frame.Length;
                taken += frame.Length;
                batch.Add(frame);
            }
            // What a batch could not hold is due at once; a new run waits for its own window.
            _due = _frames.Count > 0;
            _firstQueuedAtMs = Environment.TickCount64;
        }
    }

    /// <summary>Wakes the send loop after this many milliseconds (under the lock).</summary>
    private void ArmFlush(long milliseconds)
    {
        _flushTimer ??= new Timer(static signal => ((AsyncSignal)signal!).Set(), _signal, Timeout.Infinite, Timeout.Infinite);
        _flushTimer.Change(milliseconds, Timeout.Infinite);
    }

    /// <summary>From the oldest queued frame to this one, by the stream's timestamps.</summary>
    private int Span(MediaFrame frame) => unchecked((int)(frame.Timestamp - _frames.Peek().Timestamp));

    /// <summary>Waits until frames are queued or the queue ended. Returns false once ended and, unless
    /// the end is graceful, immediately; after an unpublish the remaining frames are drained first.</summary>
    // Pooled builder: a send loop suspends here once per wake-up, which would otherwise allocate a
    // state machine box each time.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> WaitAsync()
    {
        while (true)
        {
            lock (_gate)
            {
                if (End is PlayerEnd.TooSlow or PlayerEnd.Closed)
                {
                    return false;
                }
                if (_frames.Count > 0)
                {
                    if (MergeWindowMilliseconds <= 0 || _due || End == PlayerEnd.Unpublished)
                    {
                        return true;
                    }
                    // Held for the merged write: wake by the clock too, in case the stream pauses.
                    var waited = Environment.TickCount64 - _firstQueuedAtMs;
                    if (waited >= MergeWindowMilliseconds)
                    {
                        return true;
                    }
                    ArmFlush(MergeWindowMilliseconds - waited);
                }
                else if (End == PlayerEnd.Unpublished)
                {
                    return false;
                }
            }
            await _signal.WaitAsync();
        }
    }

    /// <summary>Stops the queue; frames still queued are released unless the end is graceful.</summary>
    public void Complete(PlayerEnd end)
    {
        lock (_gate)
        {
            if (End != PlayerEnd.None && end != PlayerEnd.Closed)
            {
                return;
            }
            End = end;
            if (end != PlayerEnd.Unpublished)
            {
                ReleaseAll(keepEssential: false);
            }
            _flushTimer?.Dispose();
        }
        _signal.Set();
    }

    private bool IsLagging()
    {
        if (_bytes > _limits.MaxBytes)
        {
            return true;
        }
        // Frames are queued in arrival order: the lag is the span from the oldest media frame to the
        // newest. Sequence headers kept across a skip sit at the front with old timestamps; pass them.
        foreach (var frame in _frames)
        {
            if (!frame.IsSequenceHeader && !frame.IsScript)
            {
                return unchecked((int)(_newestTimestamp - frame.Timestamp)) > _limits.MaxLagMilliseconds;
            }
        }
        return false;
    }

    /// <summary>The output could not take what it was given (a full transport buffer, as SRT's):
    /// skip ahead to the next keyframe as a lagging player does, within the same skip budget.</summary>
    public void SkipToNextKeyframe()
    {
        bool dropped;
        lock (_gate)
        {
            if (End != PlayerEnd.None)
            {
                return;
            }
            SkipAhead();
            dropped = End == PlayerEnd.TooSlow;
        }
        _signal.Set();
        if (dropped)
        {
            Dropped?.Invoke(this);
        }
    }

    private void SkipAhead()
    {
        Skips++;
        ReleaseAll(keepEssential: true);
        _waitKeyframe = true;
        var now = Environment.TickCount64;
        _skipTimes.Enqueue(now);
        while (_skipTimes.Count > 0 && now - _skipTimes.Peek() > 60_000)
        {
            _skipTimes.Dequeue();
        }
        if (_skipTimes.Count > _limits.MaxSkipsPerMinute)
        {
            End = PlayerEnd.TooSlow;
            ReleaseAll(keepEssential: false);
        }
    }

    private void ReleaseAll(bool keepEssential)
    {
        var count = _frames.Count;
        for (var i = 0; i < count; i++)
        {
            var frame = _frames.Dequeue();
            if (keepEssential && (frame.IsSequenceHeader || frame.IsScript))
            {
                _frames.Enqueue(frame);
                continue;
            }
            _bytes -= frame.Length;
            DroppedFrames++;
            frame.Release();
        }
    }
}
