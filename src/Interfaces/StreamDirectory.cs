namespace OrleansLive.Interfaces;

/// <summary>
/// The stream directory's shards: which one lists a stream id, and the whole list read from all of
/// them. Stream ids are random, so the shards fill evenly and spread over the silos.
/// </summary>
public static class StreamDirectory
{
    public const int Shards = 16;

    public static IStreamDirectoryGrain ShardOf(IGrainFactory grains, string streamId) =>
        grains.GetGrain<IStreamDirectoryGrain>(ShardIndex(streamId));

    /// <summary>FNV-1a of the id: stable across processes, as string.GetHashCode is not.</summary>
    public static int ShardIndex(string streamId)
    {
        var hash = 2166136261u;
        foreach (var c in streamId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % Shards);
    }

    /// <summary>Every listed stream, ordered by stream id (the order SRS walks its stream map in).</summary>
    public static async Task<IReadOnlyList<StreamDirectoryEntry>> ListAsync(IGrainFactory grains)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, Shards).Select(i => grains.GetGrain<IStreamDirectoryGrain>(i).List()));
        return [.. shards.SelectMany(s => s).OrderBy(e => e.StreamId, StringComparer.Ordinal)];
    }

    public static Task<string?> ResolveAsync(IGrainFactory grains, string streamId) => ShardOf(grains, streamId).Resolve(streamId);
}
