using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>
/// Reads the cluster for one API call: listed streams from the stream directory, live clients from
/// the grains of the live gateways (each holds its own connections and their latest counters), and
/// vhost ids by name (each vhost grain asked at most once per call).
/// </summary>
internal sealed class LiveView(IGrainFactory grains)
{
    private readonly Dictionary<string, Task<VhostSnapshot>> _vhosts = new(StringComparer.Ordinal);

    /// <summary>Every listed stream, from all shards of the stream directory.</summary>
    public Task<IReadOnlyList<StreamDirectoryEntry>> ListStreams() => StreamDirectory.ListAsync(grains);

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
        var key = await StreamDirectory.ResolveAsync(grains, streamId);
        return key is null ? null : await grains.GetGrain<IStreamGrain>(key).GetSnapshot();
    }

    /// <summary>The client's record while its connection is live, with its gateway's latest counters;
    /// SRS forgets clients once they leave.</summary>
    public async Task<ClientSessionSnapshot?> LiveClient(string clientId)
    {
        var snapshot = await grains.GetGrain<IClientSessionGrain>(clientId).GetSnapshot();
        return snapshot is { EndedUtc: null } ? await WithLiveCounters(clientId, snapshot) : null;
    }

    /// <summary>A live record with its gateway's latest counters (the record itself has them only
    /// about once a minute); an ended one as it is.</summary>
    public async Task<ClientSessionSnapshot> WithLiveCounters(string clientId, ClientSessionSnapshot snapshot)
    {
        if (snapshot.EndedUtc is not null)
        {
            return snapshot;
        }
        var counters = await Guarded(grains.GetGrain<IGatewayGrain>(snapshot.Info.GatewayId).GetClient(clientId), null);
        return counters is null ? snapshot : WithCounters(snapshot, counters);
    }

    /// <summary>Live clients <paramref name="start"/> to start + count - 1 over every gateway, in client
    /// id order (the order SRS walks its client map in), with their gateways' latest counters. Each
    /// gateway grain returns only its first start + count, so no call carries every client.</summary>
    public async Task<List<(string Id, ClientSessionSnapshot Client)>> LiveClients(int start, int count)
    {
        var pages = await Task.WhenAll((await Gateways()).Select(g =>
            Guarded(grains.GetGrain<IGatewayGrain>(g).ListClients(start + count), Empty)));
        var page = pages.SelectMany(p => p.Clients).OrderBy(c => c.ClientId, StringComparer.Ordinal).Skip(start).Take(count).ToList();
        var snapshots = await Task.WhenAll(page.Select(c => grains.GetGrain<IClientSessionGrain>(c.ClientId).GetSnapshot()));
        var live = new List<(string, ClientSessionSnapshot)>(page.Count);
        for (var i = 0; i < page.Count; i++)
        {
            // A connection whose record is not open yet, or was closed, is not a client to list.
            if (snapshots[i] is { EndedUtc: null } snapshot)
            {
                live.Add((page[i].ClientId, WithCounters(snapshot, page[i])));
            }
        }
        return live;
    }

    /// <summary>Live connections and the bytes of the streams served, summed over the live gateways.</summary>
    public async Task<(long Recv, long Send, int Clients)> GatewayTotals()
    {
        var totals = await Task.WhenAll((await Gateways()).Select(g =>
            Guarded(grains.GetGrain<IGatewayGrain>(g).GetTotals(), new GatewayTotals(0, 0, 0))));
        return (totals.Sum(t => t.StreamRecvBytes), totals.Sum(t => t.StreamSendBytes), totals.Sum(t => t.Clients));
    }

    private static readonly GatewayClientPage Empty = new(0, []);

    private Task<IReadOnlyList<string>> Gateways() => grains.GetGrain<IGatewayDirectoryGrain>(0).List();

    private static ClientSessionSnapshot WithCounters(ClientSessionSnapshot snapshot, LiveClientCounters counters) => snapshot with
    {
        SendBytes = counters.SendBytes,
        RecvBytes = counters.RecvBytes,
        KbpsSend30s = counters.KbpsSend30s,
        KbpsRecv30s = counters.KbpsRecv30s,
        Rtp = counters.Rtp ?? snapshot.Rtp,
    };

    /// <summary>One gateway grain that cannot answer (its silo just died) leaves its part out rather
    /// than failing the whole call.</summary>
    private static async Task<T> Guarded<T>(Task<T> call, T fallback)
    {
        try
        {
            return await call;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return fallback;
        }
    }
}
