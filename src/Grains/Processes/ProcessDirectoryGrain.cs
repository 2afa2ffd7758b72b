using Orleans.Concurrency;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Processes;

/// <summary>
/// Supervised processes of every gateway, for the API. Memory only: gateways report every few seconds,
/// so a new activation fills up again; a gateway silent for <see cref="ReportTimeout"/> is left out.
/// </summary>
[Reentrant, KeepAlive]
public sealed class ProcessDirectoryGrain : Grain, IProcessDirectoryGrain
{
    internal static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, (IReadOnlyList<ProcessStatus> Processes, DateTime ReportedUtc)> _byGateway = new(StringComparer.Ordinal);

    public Task Report(ProcessReport report)
    {
        _byGateway[report.GatewayId] = (report.Processes, DateTime.UtcNow);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ProcessStatus>> List()
    {
        var now = DateTime.UtcNow;
        foreach (var stale in _byGateway.Where(g => now - g.Value.ReportedUtc > ReportTimeout).Select(g => g.Key).ToList())
        {
            _byGateway.Remove(stale);
        }
        return Task.FromResult<IReadOnlyList<ProcessStatus>>(_byGateway.Values.SelectMany(g => g.Processes)
            .OrderBy(p => p.Kind, StringComparer.Ordinal).ThenBy(p => p.StreamKey, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList());
    }
}
