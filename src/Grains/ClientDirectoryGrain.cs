using Orleans.Concurrency;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// The ids of live connections. Held in memory only: live clients re-add themselves as they report
/// traffic, so a restarted directory is rebuilt without storage.
/// </summary>
[Reentrant, KeepAlive]
public sealed class ClientDirectoryGrain : Grain, IClientDirectoryGrain
{
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

    public Task Add(string clientId)
    {
        _ids.Add(clientId);
        return Task.CompletedTask;
    }

    public Task Remove(string clientId)
    {
        _ids.Remove(clientId);
        return Task.CompletedTask;
    }

    /// <summary>Ordered by client id, the order SRS walks its client map in.</summary>
    public Task<IReadOnlyList<string>> List() =>
        Task.FromResult<IReadOnlyList<string>>(_ids.Order(StringComparer.Ordinal).ToList());
}
