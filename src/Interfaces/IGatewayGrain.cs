using Orleans.Concurrency;

namespace OrleansLive.Interfaces;

/// <summary>What a gateway tells the cluster about itself. The SRT, WebRTC, HTTPS and RTMPS ports are 0
/// while those listeners are off.</summary>
[GenerateSerializer, Immutable]
public sealed record GatewayInfo(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] string Host,
    [property: Id(2)] int RtmpPort,
    [property: Id(3)] int HttpPort,
    [property: Id(4)] int Connections,
    [property: Id(5)] DateTime StartedUtc,
    [property: Id(6)] int SrtPort = 0,
    [property: Id(7)] int RtcPort = 0,
    [property: Id(8)] int RtcTcpPort = 0,
    [property: Id(9)] int HttpsPort = 0,
    [property: Id(10)] int RtmpsPort = 0,
    [property: Id(11)] long VhostConfigVersion = 0);

/// <summary>
/// One gateway process, keyed by its gateway id. The gateway heartbeats every few seconds with its
/// observer, so the grain can forward kicks to it; a gateway that stops heartbeating is presumed dead.
/// The grain also holds the gateway's live connections (the client directory is per gateway), fed by
/// the gateway's one traffic report a second, which it fans out to the stream and session grains.
/// </summary>
public interface IGatewayGrain : IGrainWithStringKey
{
    Task Heartbeat(GatewayInfo info, IGatewayObserver observer);

    /// <summary>The gateway's traffic report: updates its connections, forwards the streams' counters
    /// to their stream grains and, at most once a minute per connection, the connections' counters to
    /// their session records. True when the grain wants every connection in the next report (it is a
    /// new activation and does not know them).</summary>
    Task<bool> Report(GatewayReport report);

    /// <summary>The first <paramref name="take"/> live connections in client id order; none while the
    /// gateway is not alive.</summary>
    [ReadOnly]
    Task<GatewayClientPage> ListClients(int take);

    /// <summary>One live connection's latest counters; null if the gateway does not hold it.</summary>
    [ReadOnly]
    Task<LiveClientCounters?> GetClient(string clientId);

    /// <summary>The gateway's live connections and stream bytes; zeros while it is not alive.</summary>
    [ReadOnly]
    Task<GatewayTotals> GetTotals();

    /// <summary>Forwards a kick to the gateway; false if it is not alive or does not hold the client.</summary>
    Task<bool> Kick(string clientId);

    /// <summary>Forwards a DVR start (assignment) or stop (null) to the gateway; false if it is not
    /// alive or does not hold the stream's publisher.</summary>
    Task<bool> ControlDvr(string streamKey, DvrAssignment? assignment);

    /// <summary>The last heartbeat's info, or null if none came within the liveness timeout.</summary>
    Task<GatewayInfo?> GetInfo();
}
