namespace OrleansLive.GatewayEdge.Processes;

/// <summary>How long a supervised process that died waits before it is started again: 1 s, doubling
/// per consecutive failure, at most 30 s. A process that ran for <see cref="Healthy"/> starts the count over.</summary>
public static class ProcessBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Healthy = TimeSpan.FromSeconds(60);

    /// <summary>Delay before the start after failure number <paramref name="failures"/> (1-based).</summary>
    public static TimeSpan Delay(int failures)
    {
        var factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 16));
        return TimeSpan.FromTicks((long)Math.Min(First.Ticks * factor, Max.Ticks));
    }

    /// <summary>The consecutive failure count after a run of <paramref name="ran"/>.</summary>
    public static int Next(int failures, TimeSpan ran) => ran >= Healthy ? 1 : failures + 1;
}
