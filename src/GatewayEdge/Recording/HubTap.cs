using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Recording;

/// <summary>
/// A queue on a stream hub drained on its own task, for writers beside a publish (HLS, DVR). It is
/// primed like a player (metadata, sequence headers, the cached GOP) and has limits wide enough that
/// a recorder does not skip under normal load: only a disk stalled for a minute makes it skip ahead.
/// The handler runs for every frame on the drain task; the tap releases frames afterwards.
/// </summary>
public sealed class HubTap : IAsyncDisposable
{
    private const int BatchBytes = 1024 * 1024;

    /// <summary>Queue limits of recorders: a minute of lag, 256 MiB, and never dropped.</summary>
    public static readonly PlayerQueueLimits Limits = new(MaxLagMilliseconds: 60_000, MaxBytes: 256L * 1024 * 1024, MaxSkipsPerMinute: int.MaxValue);

    private readonly StreamHub _hub;
    private readonly PlayerQueue _queue;
    private readonly Task _drain;

    private HubTap(StreamHub hub, string name, Action<MediaFrame> onFrame, Action onBatch, ILogger logger)
    {
        _hub = hub;
        _queue = new PlayerQueue(name, Limits);
        hub.AddPlayer(_queue);
        _drain = Task.Run(() => DrainAsync(onFrame, onBatch, logger));
    }

    /// <summary>Frames the queue dropped by skipping ahead (only when the writer fell far behind).</summary>
    public long DroppedFrames => _queue.DroppedFrames;

    /// <summary>Starts draining; <paramref name="onBatch"/> runs after each batch (a good time to flush).</summary>
    public static HubTap Start(StreamHub hub, string name, Action<MediaFrame> onFrame, Action onBatch, ILogger logger) =>
        new(hub, name, onFrame, onBatch, logger);

    /// <summary>Waits until the queue ended (the publisher left) and everything queued was handled.</summary>
    public Task Completion => _drain;

    /// <summary>Stops taking frames; what is queued is still handled. Use when recording stops while the stream goes on.</summary>
    public void Stop() => _queue.Complete(PlayerEnd.Unpublished);

    public async ValueTask DisposeAsync()
    {
        Stop();
        await _drain.ConfigureAwait(false);
        _hub.RemovePlayer(_queue);
    }

    private async Task DrainAsync(Action<MediaFrame> onFrame, Action onBatch, ILogger logger)
    {
        var batch = new List<MediaFrame>(256);
        try
        {
            while (await _queue.WaitAsync().ConfigureAwait(false))
            {
                _queue.Drain(batch, BatchBytes);
                foreach (var frame in batch)
                {
                    try
                    {
                        onFrame(frame);
                    }
                    catch (Exception ex)
                    {
                        logger.LogError(ex, "{Tap} failed on a frame at {Timestamp} ms", _queue.ClientId, frame.Timestamp);
                    }
                    finally
                    {
                        frame.Release();
                    }
                }
                batch.Clear();
                try
                {
                    onBatch();
                }
                catch (Exception ex)
                {
                    logger.LogError(ex, "{Tap} failed after a batch", _queue.ClientId);
                }
            }
        }
        finally
        {
            foreach (var frame in batch)
            {
                frame.Release();
            }
            _queue.Complete(PlayerEnd.Closed);
        }
    }
}
