using Orleans.Concurrency;

namespace OrleansLive.Interfaces;

[GenerateSerializer, Immutable]
public sealed record StreamDirectoryEntry(
    [property: Id(0)] string StreamId,
    [property: Id(1)] string StreamKey);

/// <summary>
/// One shard of the streams that have a publisher or players now (what SRS's /api/v1/streams lists),
/// and of the map from SRS stream ids ("vid-xxxxxxx") to stream keys: a stream is listed in the shard
/// its id hashes to (<see cref="StreamDirectory"/>), so no single activation sees every stream. Each
/// stream re-lists itself every few seconds.
/// </summary>
public interface IStreamDirectoryGrain : IGrainWithIntegerKey
{
    Task Add(StreamDirectoryEntry entry);
    Task Remove(string streamId);
    Task<IReadOnlyList<StreamDirectoryEntry>> List();
    Task<string?> Resolve(string streamId);
}

/// <summary>
/// The gateways that heartbeat, so the API can ask each one's grain for its connections (live clients
/// are held per gateway, see <see cref="IGatewayGrain"/>). A single activation, key 0, told by the
/// gateway grains at every heartbeat; one entry per gateway process.
/// </summary>
public interface IGatewayDirectoryGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task Seen(string gatewayId);

    /// <summary>The gateways seen within the gateway liveness timeout, in id order.</summary>
    Task<IReadOnlyList<string>> List();
}
