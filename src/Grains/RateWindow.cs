namespace OrleansLive.Grains;

/// <summary>
/// Kbps over the last ~30 seconds from cumulative byte counters, as SRS's kbps.recv_30s/send_30s.
/// Keeps one sample at or before the window start as the base, so a rate is known from the second sample on.
/// </summary>
internal sealed class RateWindow
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private readonly Queue<(DateTime At, long Recv, long Send)> _samples = new();
    private (DateTime At, long Recv, long Send) _last;

    public void Add(DateTime now, long recvBytes, long sendBytes)
    {
        _last = (now, recvBytes, sendBytes);
        _samples.Enqueue(_last);
        Prune(now);
    }

    public (int RecvKbps, int SendKbps) Kbps(DateTime now)
    {
        Prune(now);
        if (_samples.Count < 2)
        {
            return (0, 0);
        }
        var first = _samples.Peek();
        var last = _last;
        if (now - last.At > Window)
        {
            return (0, 0); // counters stopped moving a window ago
        }
        var seconds = (now - first.At).TotalSeconds;
        if (seconds <= 0)
        {
            return (0, 0);
        }
        return (ToKbps(last.Recv - first.Recv, seconds), ToKbps(last.Send - first.Send, seconds));
    }

    public void Clear() => _samples.Clear();

    private static int ToKbps(long bytes, double seconds) =>
        bytes <= 0 ? 0 : (int)Math.Min(int.MaxValue, bytes * 8 / 1000.0 / seconds);

    private void Prune(DateTime now)
    {
        // Drop samples while the next one is still at or before the window start.
        while (_samples.Count > 1 && _samples.ElementAt(1).At <= now - Window)
        {
            _samples.Dequeue();
        }
    }
}
