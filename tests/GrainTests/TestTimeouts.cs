
namespace OrleansLive.GrainTests;

/// <summary>Short timeouts so expiry paths run within a test, and deadlines generous enough for a busy machine.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan GatewayLiveness = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SessionCounters = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    /// <summary>How often fake gateways heartbeat and report: well inside the timeouts above.</summary>
    public static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(200);
}
