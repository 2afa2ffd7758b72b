using Orleans.Concurrency;

namespace OrleansLive.Interfaces;

/// <summary>One connection's record, keyed by the client id (8 chars of [0-9a-z], as in SRS). Stored
/// shortly after it opens, at most once a minute while it lives, and when it closes; the live list and
/// the latest counters are held by the gateway grain of the connection's gateway.</summary>
public interface IClientSessionGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the record; keeps the first StartedUtc.</summary>
    Task Open(ClientSessionInfo info);

    /// <summary>The RTMP connect: opens the record as <see cref="Open"/> does, then asks the vhost's
    /// on_connect hooks. A refused client is closed by its gateway; only an allowed one reports
    /// on_close when it ends.</summary>
    Task<HookVerdict> Connect(ClientSessionInfo info);

    /// <summary>Cumulative counters so far, from the gateway grain about once a minute while they move.</summary>
    [OneWay]
    Task ReportTraffic(ClientTraffic traffic);

    /// <summary>The connection closed; final counters.</summary>
    Task Close(long sendBytes, long recvBytes);

    /// <summary>The connection's gateway was declared dead (no heartbeat within its liveness timeout):
    /// the record is closed with the last counters its gateway reported, and on_close is sent once, as
    /// for a close. Ignored unless the record is live on that gateway.</summary>
    [OneWay]
    Task GatewayLost(string gatewayId, long sendBytes, long recvBytes);

    Task<ClientSessionSnapshot?> GetSnapshot();

    /// <summary>Asks the gateway holding the connection to close it. False if the client is not live
    /// or its gateway cannot be reached.</summary>
    Task<bool> Kick();
}
