using Orleans.Concurrency;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// Names of the vhosts seen so far. Held in memory only: each vhost grain adds its name when it
/// activates, so a restarted directory is rebuilt as vhosts are used again.
/// </summary>
[Reentrant, KeepAlive]
public sealed class VhostDirectoryGrain : Grain, IVhostDirectoryGrain
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public Task Add(string name)
    {
        _names.Add(name);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> List() =>
        Task.FromResult<IReadOnlyList<string>>(_names.Order(StringComparer.Ordinal).ToList());
}
