using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// The one loop that drives every output from its queue (RTMP and HTTP players, HLS and DVR writers,
/// forwards): wait for frames, take a batch of at most <see cref="BatchBytes"/>, hand it to the output,
/// release the frames. What differs between outputs is only how a batch goes out.
/// </summary>
public static class QueueReader
{
    /// <summary>Payload bytes per batch: large enough for one vectored send of a burst, small enough
    /// that a player joining on a big GOP starts sending at once.</summary>
    public const int BatchBytes = 256 * 1024;

    /// <summary>
    /// Runs until the queue ends (or <paramref name="send"/> returns false: the output cannot go on).
    /// The frames of a batch are released after <paramref name="send"/> returns or throws.
    /// </summary>
    public static async Task RunAsync(PlayerQueue queue, Func<List<MediaFrame>, ValueTask<bool>> send, int batchBytes = BatchBytes)
    {
        var batch = new List<MediaFrame>(64);
        while (await queue.WaitAsync().ConfigureAwait(false))
        {
            queue.Drain(batch, batchBytes);
            bool more;
            try
            {
                more = await send(batch).ConfigureAwait(false);
            }
            finally
            {
                foreach (var frame in batch)
                {
                    frame.Release();
                }
                batch.Clear();
            }
            if (!more)
            {
                return;
            }
        }
    }
}
