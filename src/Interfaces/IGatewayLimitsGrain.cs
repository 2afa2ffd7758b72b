namespace OrleansLive.Interfaces;

/// <summary>One gateway's connection limits and how many clients they refused since it started.</summary>
[GenerateSerializer, Immutable]
public sealed record GatewayLimitStats(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] int Connections,
    [property: Id(2)] int MaxConnections,
    [property: Id(3)] int MaxConnectionsPerIpPerSecond,
    [property: Id(4)] long RefusedMaxConnections,
    [property: Id(5)] long RefusedIpRate,
    [property: Id(6)] DateTime ReportedUtc)
{
    public long Refused => RefusedMaxConnections + RefusedIpRate;
}

/// <summary>The latest <see cref="GatewayLimitStats"/> of every gateway, for the HTTP API. A single activation, key 0.</summary>
public interface IGatewayLimitsGrain : IGrainWithIntegerKey
{
    Task Report(GatewayLimitStats stats);

    Task<IReadOnlyList<GatewayLimitStats>> List();
}
