using System.Diagnostics.Metrics;

namespace OrleansLive.Silo.Metrics;

/// <summary>
/// Counts the grain calls this silo runs (meter "OrleansLive.Grains", live_grain_calls_total, by
/// grain interface), one-way notifications included: what the control plane costs per connection,
/// read without Orleans' own message counters, which also count its system traffic.
/// </summary>
internal sealed class GrainCallMetrics : IIncomingGrainCallFilter
{
    public const string MeterName = "OrleansLive.Grains";

    private readonly Counter<long> _calls;

    public GrainCallMetrics(IMeterFactory meters) =>
        _calls = meters.Create(MeterName).CreateCounter<long>("live_grain_calls", description: "Grain calls run by this silo, by grain interface.");

    public Task Invoke(IIncomingGrainCallContext context)
    {
        _calls.Add(1, new KeyValuePair<string, object?>("grain", context.InterfaceName));
        return context.Invoke();
    }
}
