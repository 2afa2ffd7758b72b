namespace OrleansLive.Grains;

/// <summary>Which gateway runs a stream's supervised process (an ingest pushing into it): the gateway
/// that holds the publish lease, as it is the one the process publishes through; with no publisher yet,
/// the first gateway to ask, for as long as it keeps asking.</summary>
public sealed partial class StreamGrain
{
    internal static readonly TimeSpan ProcessClaimTimeout = TimeSpan.FromSeconds(15);

    // In memory: gateways ask every few seconds, and a new activation defers to the lease it loads.
    private readonly Dictionary<string, (string GatewayId, DateTime RenewedUtc)> _processClaims = new(StringComparer.Ordinal);

    public async Task<bool> ClaimProcess(string name, string gatewayId)
    {
        var now = DateTime.UtcNow;
        await ExpireStaleLease(now);
        var granted = S.Lease is { } lease
            ? lease.GatewayId == gatewayId
            : !_processClaims.TryGetValue(name, out var claim) || claim.GatewayId == gatewayId || now - claim.RenewedUtc > ProcessClaimTimeout;
        if (granted)
        {
            _processClaims[name] = (gatewayId, now);
        }
        return granted;
    }
}
