using BenchmarkDotNet.Attributes;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.Benchmarks;

/// <summary>
/// A player's queue: what each frame costs per player between the publisher and the send. The
/// hub's fan-out enqueues a reference per player; the player's loop (as <see cref="QueueReader"/>
/// runs it) waits, drains a batch and releases the frames after sending.
/// </summary>
[MemoryDiagnoser]
public class QueueBenchmarks
{
    private const int Frames = 64;
    private const int Players = 100;

    private readonly List<MediaFrame> _batch = new(Frames);
    private MediaFrame[] _frames = null!;
    private PlayerQueue _queue = null!;
    private StreamHub _hub = null!;
    private PlayerQueue[] _players = null!;
    private MediaFrame _interframe = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frames = new MediaFrame[Frames];
        for (var i = 0; i < Frames; i++)
        {
            _frames[i] = SyntheticMedia.VideoFrame((uint)(i * 40), key: i == 0);
        }
        _queue = new PlayerQueue("bench", new PlayerQueueLimits());
        // No GOP cache: the hub's work per frame stays the same however long the run.
        _hub = new StreamHub("__defaultVhost__", "live", "bench", new StreamHubOptions(GopCache: false));
        _hub.Publish(MediaFrame.Copy(FrameTypes.Video, 0, SyntheticMedia.AvcSequenceHeader()));
        _players = new PlayerQueue[Players];
        for (var i = 0; i < Players; i++)
        {
            _players[i] = new PlayerQueue($"p{i}", new PlayerQueueLimits());
            _hub.AddPlayer(_players[i]);
        }
        _hub.Publish(SyntheticMedia.VideoFrame(40, key: true));
        DrainAll();
        _interframe = SyntheticMedia.VideoFrame(80, key: false);
    }

    /// <summary>One frame in, one wake-up of the send loop, one frame out: a player that keeps up.</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int EnqueueWaitDrainOne()
    {
        var sent = 0;
        foreach (var frame in _frames)
        {
            _queue.Enqueue(frame, randomAccess: true);
            sent += Take(_queue);
        }
        return sent;
    }

    /// <summary>A burst of 64 frames, then one wait and one drain: a player catching up (per frame).</summary>
    [Benchmark(OperationsPerInvoke = Frames)]
    public int EnqueueBurstDrainBatch()
    {
        foreach (var frame in _frames)
        {
            _queue.Enqueue(frame, randomAccess: true);
        }
        return Take(_queue);
    }

    /// <summary>The hub publishing one video frame to 100 players, then each player draining it.
    /// Per operation = per frame and player.</summary>
    [Benchmark(OperationsPerInvoke = Players)]
    public int HubFanOutPerPlayer()
    {
        _hub.Publish(_interframe);
        return DrainAll();
    }

    private int DrainAll()
    {
        var sent = 0;
        foreach (var player in _players)
        {
            sent += Take(player);
        }
        return sent;
    }

    private int Take(PlayerQueue queue)
    {
        var wait = queue.WaitAsync();
        if (!wait.IsCompletedSuccessfully || !wait.Result)
        {
            throw new InvalidOperationException("the queue should have frames");
        }
        queue.Drain(_batch, QueueReader.BatchBytes);
        var count = _batch.Count;
        foreach (var frame in _batch)
        {
            frame.Release();
        }
        _batch.Clear();
        return count;
    }
}
