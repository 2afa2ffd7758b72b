namespace OrleansLive.Media.Rtp;

/// <summary>
/// Decode times for pictures that RTP gives only presentation times (RTP timestamps are PTS; with
/// B-frames they go back and forth in decode order). Holds <see cref="Lookahead"/> pictures back and
/// gives picture i the i-th smallest presentation time, moved earlier by the stream's reordering
/// depth (measured over the first pictures, grown if a later picture needs more), so decode times
/// rise strictly and never pass a picture's presentation time. Pictures come out in the order they
/// went in.
/// </summary>
public sealed class DecodeTimes<T>(Action<T, long, long> emit, int lookahead = DecodeTimes<T>.DefaultLookahead)
{
    /// <summary>Enough for x264's B-pyramid (three B-frames, reordering depth two).</summary>
    public const int DefaultLookahead = 4;

    private readonly Queue<(T Item, long Pts)> _held = new();
    private readonly PriorityQueue<long, long> _times = new();
    private long _shift = -1;
    private long _last = long.MinValue;

    public int Lookahead => lookahead;

    /// <summary>One picture in decode order, with its presentation time (ms).</summary>
    public void Push(T item, long pts)
    {
        _held.Enqueue((item, pts));
        _times.Enqueue(pts, pts);
        if (_held.Count > lookahead)
        {
            EmitOne();
        }
    }

    /// <summary>Emits what is held (the stream ended).</summary>
    public void Flush()
    {
        while (_held.Count > 0)
        {
            EmitOne();
        }
    }

    /// <summary>Forgets what is held without emitting it (the pictures before a gap).</summary>
    public void Reset()
    {
        _held.Clear();
        _times.Clear();
        _shift = -1;
        _last = long.MinValue;
    }

    private void EmitOne()
    {
        if (_shift < 0)
        {
            // The first pictures show how far presentation runs ahead of decode order.
            _shift = 0;
            var sorted = _held.Select(h => h.Pts).Order().ToArray();
            var i = 0;
            foreach (var (_, pts) in _held)
            {
                _shift = Math.Max(_shift, sorted[i++] - pts);
            }
        }
        var (item, itemPts) = _held.Dequeue();
        var smallest = _times.Dequeue();
        _shift = Math.Max(_shift, smallest - itemPts);
        var dts = smallest - _shift;
        if (dts <= _last)
        {
            dts = _last + 1;
        }
        _last = dts;
        emit(item, dts, itemPts);
    }
}
