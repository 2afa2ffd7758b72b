namespace OrleansLive.Interfaces;

/// <summary>One connection's record, keyed by the client id (8 chars of [0-9a-z], as in SRS).</summary>
public interface IClientSessionGrain : IGrainWithStringKey
{
    /// <summary>Creates or updates the record; keeps the first StartedUtc. Lists the client as live.</summary>
    Task Open(ClientSessionInfo info);

    /// <summary>The RTMP connect: opens the record as <see cref="Open"/> does, then asks the vhost's
    /// on_connect hooks. A refused client is closed by its gateway; only an allowed one reports
    /// on_close when it ends.</summary>
    Task<HookVerdict> Connect(ClientSessionInfo info);

    /// <summary>Cumulative bytes sent to and received from the client so far.</summary>
    Task ReportTraffic(long sendBytes, long recvBytes);

    /// <summary>An RTP client's packet counters, sent with its traffic reports.</summary>
    Task ReportRtp(RtpClientStats stats);

    /// <summary>The connection closed; final counters. Removes the client from the live list.</summary>
    Task Close(long sendBytes, long recvBytes);

    Task<ClientSessionSnapshot?> GetSnapshot();

    /// <summary>Asks the gateway holding the connection to close it. False if the client is not live
    /// or its gateway cannot be reached.</summary>
    Task<bool> Kick();
}
