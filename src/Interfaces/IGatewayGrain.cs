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
/// </summary>
public interface IGatewayGrain : IGrainWithStringKey
{
    Task Heartbeat(GatewayInfo info, IGatewayObserver observer);

    /// <summary>Forwards a kick to the gateway; false if it is not alive or does not hold the client.</summary>
    Task<bool> Kick(string clientId);

    /// <summary>Forwards a DVR start (assignment) or stop (null) to the gateway; false if it is not
    /// alive or does not hold the stream's publisher.</summary>
    Task<bool> ControlDvr(string streamKey, DvrAssignment? assignment);

    /// <summary>The last heartbeat's info, or null if none came within the liveness timeout.</summary>
    Task<GatewayInfo?> GetInfo();
}
