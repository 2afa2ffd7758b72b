namespace OrleansLive.Interfaces;

/// <summary>
/// What a gateway knows of one connection. Sent when it opens and again whenever more becomes known
/// (connect, then publish or play). Type is SRS's client type: "rtmp-play", "flv-play",
/// "fmle-publish", "flash-publish", ... or "Unknown" before the role is known.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClientSessionInfo(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string GatewayId,
    [property: Id(2)] string Ip,
    [property: Id(3)] string Protocol,
    [property: Id(4)] string Type,
    [property: Id(5)] bool Publish,
    [property: Id(6)] string Vhost,
    [property: Id(7)] string App,
    [property: Id(8)] string Stream,
    [property: Id(9)] string? StreamId,
    [property: Id(10)] string TcUrl,
    [property: Id(11)] string PageUrl,
    [property: Id(12)] string SwfUrl,
    [property: Id(13)] string Param,
    [property: Id(14)] DateTime StartedUtc);

/// <summary>The stored record of one connection, live or ended.</summary>
[GenerateSerializer, Immutable]
public sealed record ClientSessionSnapshot(
    [property: Id(0)] ClientSessionInfo Info,
    [property: Id(1)] DateTime? EndedUtc,
    [property: Id(2)] long SendBytes,
    [property: Id(3)] long RecvBytes,
    [property: Id(4)] int KbpsSend30s,
    [property: Id(5)] int KbpsRecv30s);
