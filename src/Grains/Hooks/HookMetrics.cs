using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansLive.Grains.Hooks;

/// <summary>
/// Hook calls for the Prometheus exporter (meter "OrleansLive.Hooks"): each HTTP attempt by event and
/// outcome (allowed, refused, failed), and how long it took. One meter per process: the hook client
/// serves every grain of the silo.
/// </summary>
internal static class HookMetrics
{
    public const string MeterName = "OrleansLive.Hooks";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Calls = Meter.CreateCounter<long>("live_hook_calls",
        description: "HTTP hook calls, by event and outcome.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram("live_hook_duration", unit: "s",
        description: "Time for one HTTP hook call to answer, by event.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    public static void Record(string action, long startTimestamp, bool delivered, bool allowed)
    {
        var outcome = !delivered ? "failed" : allowed ? "allowed" : "refused";
        var evt = new KeyValuePair<string, object?>("event", action);
        Calls.Add(1, evt, new("outcome", outcome));
        Duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, evt);
    }
}
