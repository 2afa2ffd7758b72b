using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>This gateway's id and when it started.</summary>
public sealed class GatewayIdentity
{
    /// <param name="configuredId">The configured id; a random one when empty.</param>
    public GatewayIdentity(string? configuredId)
    {
        Id = string.IsNullOrWhiteSpace(configuredId) ? "gw-" + Ids.Random(6) : configuredId;
    }

    public string Id { get; }

    public DateTime StartedUtc { get; } = DateTime.UtcNow;
}
