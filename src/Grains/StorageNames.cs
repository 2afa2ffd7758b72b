namespace OrleansLive.Grains;

/// <summary>
/// Names of the grain storage providers the grains persist to. The silo registers a provider under
/// each name (memory storage for a single node, Redis when clustered).
/// </summary>
public static class StorageNames
{
    public const string Default = "live";

    /// <summary>Client session records; kept apart so Redis can expire them after the retention time.</summary>
    public const string Sessions = "sessions";

    /// <summary>Stream records (lease, codecs, counters, history); kept apart so Redis can expire the
    /// records of streams that ended longer ago than the retention time.</summary>
    public const string Streams = "streams";
}
