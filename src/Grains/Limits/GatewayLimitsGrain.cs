using Orleans.Concurrency;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Limits;

/// <summary>
/// The latest connection-limit counters of each gateway. Memory only: gateways report every few
/// seconds, so a restarted grain fills up again; a gateway silent for an hour is forgotten.
/// </summary>
[Reentrant, KeepAlive]
public sealed class GatewayLimitsGrain : Grain, IGatewayLimitsGrain
{
    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);
    private readonly Dictionary<string, GatewayLimitStats> _byGateway = new(StringComparer.Ordinal);

    public Task Report(GatewayLimitStats stats)
    {
        _byGateway[stats.GatewayId] = stats with { ReportedUtc = DateTime.UtcNow };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<GatewayLimitStats>> List()
    {
        var now = DateTime.UtcNow;
        foreach (var stale in _byGateway.Values.Where(s => now - s.ReportedUtc > Forget).Select(s => s.GatewayId).ToList())
        {
            _byGateway.Remove(stale);
        }
        return Task.FromResult<IReadOnlyList<GatewayLimitStats>>(_byGateway.Values.OrderBy(s => s.GatewayId, StringComparer.Ordinal).ToList());
    }
}
