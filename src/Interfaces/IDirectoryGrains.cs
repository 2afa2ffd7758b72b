namespace OrleansLive.Interfaces;

[GenerateSerializer, Immutable]
public sealed record StreamDirectoryEntry(
    [property: Id(0)] string StreamId,
    [property: Id(1)] string StreamKey);

/// <summary>
/// The streams that have a publisher or players now (what SRS's /api/v1/streams lists), and the map
/// from SRS stream ids ("vid-xxxxxxx") to stream keys. A single activation, key 0.
/// </summary>
public interface IStreamDirectoryGrain : IGrainWithIntegerKey
{
    Task Add(StreamDirectoryEntry entry);
    Task Remove(string streamId);
    Task<IReadOnlyList<StreamDirectoryEntry>> List();
    Task<string?> Resolve(string streamId);
}

/// <summary>The ids of live client connections, for /api/v1/clients. A single activation, key 0.</summary>
public interface IClientDirectoryGrain : IGrainWithIntegerKey
{
    Task Add(string clientId);
    Task Remove(string clientId);
    Task<IReadOnlyList<string>> List();
}
