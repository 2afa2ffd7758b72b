using Orleans.Concurrency;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Processes;

/// <summary>
/// Supervised processes of every gateway and the ingest claims. Memory only: gateways report every
/// few seconds, so a new activation fills up again; a claim whose holder is silent for
/// <see cref="ClaimTimeout"/> goes to the next gateway that wants it.
/// </summary>
[Reentrant, KeepAlive]
public sealed class ProcessDirectoryGrain : Grain, IProcessDirectoryGrain
{
    internal static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, (string GatewayId, DateTime RenewedUtc)> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IReadOnlyList<ProcessStatus> Processes, DateTime ReportedUtc)> _byGateway = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<string>> Report(ProcessReport report)
    {
        var now = DateTime.UtcNow;
        _byGateway[report.GatewayId] = (report.Processes, now);
        var wanted = report.WantedIngests.ToHashSet(StringComparer.Ordinal);
        foreach (var given in _claims.Where(c => c.Value.GatewayId == report.GatewayId && !wanted.Contains(c.Key)).Select(c => c.Key).ToList())
        {
            _claims.Remove(given);
        }
        var granted = new List<string>();
        foreach (var key in wanted)
        {
            if (!_claims.TryGetValue(key, out var claim) || claim.GatewayId == report.GatewayId || now - claim.RenewedUtc > ClaimTimeout)
            {
                _claims[key] = (report.GatewayId, now);
                granted.Add(key);
            }
        }
        return Task.FromResult<IReadOnlyList<string>>(granted);
    }

    public Task<IReadOnlyList<ProcessStatus>> List()
    {
        var now = DateTime.UtcNow;
        foreach (var stale in _byGateway.Where(g => now - g.Value.ReportedUtc > ClaimTimeout).Select(g => g.Key).ToList())
        {
            _byGateway.Remove(stale);
        }
        return Task.FromResult<IReadOnlyList<ProcessStatus>>(_byGateway.Values.SelectMany(g => g.Processes)
            .OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.StreamKey, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList());
    }
}
