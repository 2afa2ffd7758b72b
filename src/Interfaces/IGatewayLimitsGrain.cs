namespace OrleansLive.Interfaces;

/// <summary>One gateway's connection limits and how many clients they refused since it started; with
/// the connections it accepted and the clients it refused or dropped since then (SRS's
/// srs_clients_total and srs_clients_errs_total, summed over the gateways) and the bytes its clients
/// sent and received (srs_receive_bytes_total, srs_send_bytes_total).</summary>
[GenerateSerializer, Immutable]
public sealed record GatewayLimitStats(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] int Connections,
    [property: Id(2)] int MaxConnections,
    [property: Id(3)] int MaxConnectionsPerIpPerSecond,
    [property: Id(4)] long RefusedMaxConnections,
    [property: Id(5)] long RefusedIpRate,
    [property: Id(6)] DateTime ReportedUtc,
    [property: Id(7)] long ClientsTotal = 0,
    [property: Id(8)] long ClientErrors = 0,
    [property: Id(9)] long RecvBytes = 0,
    [property: Id(10)] long SentBytes = 0)
{
    public long Refused => RefusedMaxConnections + RefusedIpRate;
}

/// <summary>The latest <see cref="GatewayLimitStats"/> of every gateway, for the HTTP API. A single activation, key 0.</summary>
public interface IGatewayLimitsGrain : IGrainWithIntegerKey
{
    Task Report(GatewayLimitStats stats);

    Task<IReadOnlyList<GatewayLimitStats>> List();
}
