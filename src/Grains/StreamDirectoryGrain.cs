using Orleans.Concurrency;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// One shard of the streams with a publisher or players, by SRS stream id (see <see cref="StreamDirectory"/>).
/// Held in memory only: every listed stream re-adds itself every few seconds, so a restarted shard is
/// rebuilt without storage.
/// </summary>
[Reentrant, KeepAlive]
public sealed class StreamDirectoryGrain : Grain, IStreamDirectoryGrain
{
    private readonly Dictionary<string, string> _keysById = new(StringComparer.Ordinal);

    public Task Add(StreamDirectoryEntry entry)
    {
        _keysById[entry.StreamId] = entry.StreamKey;
        return Task.CompletedTask;
    }

    public Task Remove(string streamId)
    {
        _keysById.Remove(streamId);
        return Task.CompletedTask;
    }

    /// <summary>Ordered by stream id, the order SRS walks its stream map in.</summary>
    public Task<IReadOnlyList<StreamDirectoryEntry>> List() =>
        Task.FromResult<IReadOnlyList<StreamDirectoryEntry>>(_keysById
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new StreamDirectoryEntry(e.Key, e.Value))
            .ToList());

    public Task<string?> Resolve(string streamId) => Task.FromResult(_keysById.GetValueOrDefault(streamId));
}
