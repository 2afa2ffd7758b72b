namespace OrleansLive.Grains;

/// <summary>Gateway liveness for <see cref="GatewayGrain"/>; bound from configuration section "Gateways".</summary>
public sealed class GatewayGrainOptions
{
    public const string SectionName = "Gateways";

    /// <summary>A gateway with no heartbeat for this long is presumed dead.</summary>
    public TimeSpan LivenessTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A live connection's counters reach its session record at most this often (the API reads
    /// the latest from the gateway grain; the record has them for after the connection ended).</summary>
    public TimeSpan SessionCountersInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a kick waits for the gateway to answer, so a hung gateway cannot stall the API.</summary>
    public TimeSpan KickTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
