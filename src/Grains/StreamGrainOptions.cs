namespace OrleansLive.Grains;

/// <summary>Publish lease timing for <see cref="StreamGrain"/>; bound from configuration section "Streams".</summary>
public sealed class StreamGrainOptions
{
    public const string SectionName = "Streams";

    /// <summary>
    /// How long a publish lease survives without a traffic report from its holder. Like SRS's
    /// publish timeout, it frees the stream name when a publisher's node vanishes without unpublishing.
    /// </summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often a live stream checks its lease and players; derived from the lease timeout.</summary>
    internal TimeSpan CheckPeriod =>
        TimeSpan.FromTicks(Math.Clamp(LeaseTimeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks, TimeSpan.FromSeconds(5).Ticks));
}
