using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>
/// Reads the cluster for one API call: listed streams and clients from the directories, and vhost
/// ids by name (each vhost grain asked at most once per call).
/// </summary>
internal sealed class LiveView(IGrainFactory grains)
{
    private readonly Dictionary<string, Task<VhostSnapshot>> _vhosts = new(StringComparer.Ordinal);

    public IStreamDirectoryGrain Streams => grains.GetGrain<IStreamDirectoryGrain>(0);

    public IClientDirectoryGrain Clients => grains.GetGrain<IClientDirectoryGrain>(0);

    public Task<VhostSnapshot> Vhost(string name)
    {
        if (!_vhosts.TryGetValue(name, out var snapshot))
        {
            _vhosts[name] = snapshot = grains.GetGrain<IVhostGrain>(name).GetSnapshot();
        }
        return snapshot;
    }

    /// <summary>The vhost's id; empty for a client that has not sent its connect yet.</summary>
    public async Task<string> VhostId(string name) => name.Length == 0 ? "" : (await Vhost(name)).VhostId;

    public Task<StreamSnapshot[]> StreamSnapshots(IEnumerable<StreamDirectoryEntry> entries) =>
        Task.WhenAll(entries.Select(e => grains.GetGrain<IStreamGrain>(e.StreamKey).GetSnapshot()));

    public async Task<StreamSnapshot?> Stream(string streamId)
    {
        var key = await Streams.Resolve(streamId);
        return key is null ? null : await grains.GetGrain<IStreamGrain>(key).GetSnapshot();
    }

    /// <summary>The client's record while its connection is live; SRS forgets clients once they leave.</summary>
    public async Task<ClientSessionSnapshot?> LiveClient(string clientId)
    {
        var snapshot = await grains.GetGrain<IClientSessionGrain>(clientId).GetSnapshot();
        return snapshot is { EndedUtc: null } ? snapshot : null;
    }
}
