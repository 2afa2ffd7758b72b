using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// The gateways that heartbeat, by id. Held in memory only: every gateway grain says it was seen at
/// each heartbeat, so a restarted directory is whole again within one heartbeat interval.
/// </summary>
[Reentrant, KeepAlive]
public sealed class GatewayDirectoryGrain(IOptions<GatewayGrainOptions> options) : Grain, IGatewayDirectoryGrain
{
    private readonly SortedDictionary<string, DateTime> _seen = new(StringComparer.Ordinal);

    public Task Seen(string gatewayId)
    {
        _seen[gatewayId] = DateTime.UtcNow;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> List()
    {
        var since = DateTime.UtcNow - options.Value.LivenessTimeout;
        foreach (var stale in _seen.Where(s => s.Value < since).Select(s => s.Key).ToList())
        {
            _seen.Remove(stale);
        }
        return Task.FromResult<IReadOnlyList<string>>([.. _seen.Keys]);
    }
}
