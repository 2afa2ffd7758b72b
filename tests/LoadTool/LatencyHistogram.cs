using System.Diagnostics;

namespace OrleansLive.LoadTool;

/// <summary>
/// Durations in 0.1 ms buckets up to 30 s (longer ones share the last bucket). Lock-free: any
/// thread may record while another reads; a reader may miss a sample being recorded.
/// </summary>
public sealed class LatencyHistogram
{
    private const int BucketMicros = 100;
    private const int Buckets = 300_001;
    private readonly int[] _counts = new int[Buckets];
    private long _count;
    private long _sumMicros;
    private long _maxMicros;

    public long Count => Interlocked.Read(ref _count);

    public void RecordTicks(long stopwatchTicks) => RecordMicros(stopwatchTicks * 1_000_000 / Stopwatch.Frequency);

    public void RecordMicros(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }
        var bucket = (int)Math.Min(micros / BucketMicros, Buckets - 1);
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sumMicros, micros);
        var max = Interlocked.Read(ref _maxMicros);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicros, micros, max);
            if (seen == max)
            {
                break;
            }
            max = seen;
        }
    }

    /// <summary>The upper edge of the bucket holding the given percentile, in milliseconds; null when empty.</summary>
    public double? PercentileMs(double percentile)
    {
        var count = Count;
        if (count == 0)
        {
            return null;
        }
        var rank = (long)Math.Ceiling(percentile / 100.0 * count);
        rank = Math.Clamp(rank, 1, count);
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min((i + 1) * BucketMicros, Interlocked.Read(ref _maxMicros)) / 1000.0;
            }
        }
        return Interlocked.Read(ref _maxMicros) / 1000.0;
    }

    public LatencySummary Summarize() => new(
        Count,
        PercentileMs(50),
        PercentileMs(90),
        PercentileMs(99),
        Count == 0 ? null : Interlocked.Read(ref _maxMicros) / 1000.0,
        Count == 0 ? null : Interlocked.Read(ref _sumMicros) / 1000.0 / Count,
        PercentileMs(95));
}

/// <summary>Percentiles of a histogram, in milliseconds.</summary>
public sealed record LatencySummary(long Count, double? P50, double? P90, double? P99, double? Max, double? Mean, double? P95 = null);
