namespace OrleansLive.Grains;

/// <summary>
/// Names of the grain storage providers the grains persist to. The silo registers a provider under
/// each name (memory storage for a single node, Redis when clustered).
/// </summary>
public static class StorageNames
{
    public const string Default = "live";
}
