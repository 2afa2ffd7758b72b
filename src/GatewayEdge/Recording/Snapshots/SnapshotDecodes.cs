namespace OrleansLive.GatewayEdge.Recording.Snapshots;

/// <summary>The gateway's bound on snapshot decodes running at once (<see cref="GatewayOptions.SnapshotDecodes"/>).
/// Never waited on: a stream that finds no slot free skips that keyframe.</summary>
public sealed class SnapshotDecodes(int slots)
{
    private readonly int _slots = Math.Max(1, slots);
    private int _running;

    public int Running => Volatile.Read(ref _running);

    public bool TryTake()
    {
        while (true)
        {
            var running = Volatile.Read(ref _running);
            if (running >= _slots)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _running, running + 1, running) == running)
            {
                return true;
            }
        }
    }

    public void Release() => Interlocked.Decrement(ref _running);
}
