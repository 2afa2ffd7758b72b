namespace OrleansLive.Interfaces;

/// <summary>A player asking to play a stream: what the security rules and the on_play hook see.</summary>
[GenerateSerializer, Immutable]
public sealed record PlayClaim(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string GatewayId,
    [property: Id(2)] string Ip,
    [property: Id(3)] string TcUrl,
    [property: Id(4)] string PageUrl,
    [property: Id(5)] string Param);

/// <summary>The stream grain's answer to a <see cref="PlayClaim"/>. StreamId is SRS's "vid-xxxxxxx"
/// either way; a refused player is closed (RTMP) or answered 403 (HTTP).</summary>
[GenerateSerializer, Immutable]
public sealed record PlayVerdict(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] string StreamId,
    [property: Id(2)] string? Reason);
