using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansLive.Silo.Storage;

/// <summary>
/// The embedded server's in-process storage for records that pile up with traffic (session records,
/// stream records): each record kept as its serialized bytes, dropped once it was not written for the
/// retention time (as Redis's expiry does in a cluster), and the oldest dropped first beyond a count,
/// so a server that runs for months with a churning audience holds a bounded set. Orleans' own memory
/// storage keeps every record it was ever given.
/// </summary>
internal sealed class RetainedMemoryGrainStorage(Serializer serializer, TimeSpan retention, int maxRecords, TimeProvider time) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _lastSweepTicks;
    private long _etags;

    private sealed record Entry(byte[] Bytes, string ETag, DateTimeOffset WrittenUtc);

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    public int Count => _entries.Count;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(Key(stateName, grainId), out var entry) && now - entry.WrittenUtc <= retention)
        {
            grainState.State = serializer.Deserialize<T>(entry.Bytes);
            grainState.ETag = entry.ETag;
            grainState.RecordExists = true;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        // A stored record with another tag was written by another activation since this one read it; a
        // record that expired or was dropped is simply written anew.
        if (_entries.TryGetValue(key, out var stored) && stored.ETag != grainState.ETag)
        {
            throw new InconsistentStateException($"ETag mismatch for {key}", stored.ETag, grainState.ETag);
        }
        var now = time.GetUtcNow();
        var etag = Interlocked.Increment(ref _etags).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _entries[key] = new Entry(serializer.SerializeToArray(grainState.State), etag, now);
        grainState.ETag = etag;
        grainState.RecordExists = true;
        SweepIfDue(now);
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _entries.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>Drops expired records, and the oldest beyond the count, at most once a minute (or at
    /// once when the count is exceeded by a tenth).</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        var overfull = _entries.Count > maxRecords + maxRecords / 10;
        if ((!overfull && now.UtcTicks - last < SweepInterval.Ticks) || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.WrittenUtc > retention)
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
        var excess = _entries.Count - maxRecords;
        if (excess > 0)
        {
            foreach (var (key, entry) in _entries.OrderBy(e => e.Value.WrittenUtc).Take(excess).ToList())
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    private static string Key(string stateName, GrainId grainId) => stateName + "/" + grainId.ToString();
}
