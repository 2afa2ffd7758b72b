using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>This gateway's id and when it started.</summary>
public sealed class GatewayIdentity
{
    public GatewayIdentity(GatewayOptions options)
    {
        Id = string.IsNullOrWhiteSpace(options.Id) ? "gw-" + Ids.Random(6) : options.Id;
    }

    public string Id { get; }

    public DateTime StartedUtc { get; } = DateTime.UtcNow;
}
