namespace OrleansLive.Interfaces;

/// <summary>One connection's cumulative counters as its gateway last saw them. Rtp is set for RTP
/// clients (WebRTC) only.</summary>
[GenerateSerializer, Immutable]
public sealed record ClientTraffic(
    [property: Id(0)] string ClientId,
    [property: Id(1)] long SendBytes,
    [property: Id(2)] long RecvBytes,
    [property: Id(3)] RtpClientStats? Rtp = null);

/// <summary>The counters of one stream a gateway serves, for the stream grain of <see cref="StreamKey"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record StreamTrafficEntry(
    [property: Id(0)] string StreamKey,
    [property: Id(1)] StreamTraffic Traffic);

/// <summary>
/// What a gateway sends its gateway grain about once a second: every stream it serves, and the
/// connections that opened or whose counters moved since the last report (every connection when
/// <see cref="Full"/> is set), and those that closed. Between those, a report soon after connections
/// opened or closed carries only the connections; its <see cref="Streams"/> is null. <see cref="GatewayStartedUtc"/> tells one run
/// of the gateway process from the next, so connections of an earlier run are known to be gone;
/// <see cref="Sequence"/> counts the reports of one run, so a late one cannot undo a newer one.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GatewayReport(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] DateTime GatewayStartedUtc,
    [property: Id(6)] long Sequence,
    [property: Id(2)] bool Full,
    [property: Id(3)] IReadOnlyList<StreamTrafficEntry>? Streams,
    [property: Id(4)] IReadOnlyList<ClientTraffic> Clients,
    [property: Id(5)] IReadOnlyList<string> Closed);

/// <summary>A live connection as its gateway grain holds it: the latest counters and the 30 s
/// bitrates computed from them.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveClientCounters(
    [property: Id(0)] string ClientId,
    [property: Id(1)] long SendBytes,
    [property: Id(2)] long RecvBytes,
    [property: Id(3)] int KbpsSend30s,
    [property: Id(4)] int KbpsRecv30s,
    [property: Id(5)] RtpClientStats? Rtp);

/// <summary>A page of one gateway's live connections, in client id order, and how many it holds.</summary>
[GenerateSerializer, Immutable]
public sealed record GatewayClientPage(
    [property: Id(0)] int Total,
    [property: Id(1)] IReadOnlyList<LiveClientCounters> Clients);

/// <summary>One gateway's live figures: its connections and the bytes of the streams it serves.</summary>
[GenerateSerializer, Immutable]
public sealed record GatewayTotals(
    [property: Id(0)] int Clients,
    [property: Id(1)] long StreamRecvBytes,
    [property: Id(2)] long StreamSendBytes);
