namespace OrleansLive.GatewayEdge.Protocols.Srt;

public enum SrtCloseReason
{
    /// <summary><see cref="SrtConnection.Close"/> was called.</summary>
    ClosedLocally,

    /// <summary>The peer closed, went silent past the idle timeout, or the link broke.</summary>
    PeerClosedOrBroken,

    /// <summary>A receive or send failed with an error other than a broken link.</summary>
    Error,

    /// <summary>The server stopped.</summary>
    ServerStopped,
}

/// <summary>Why a connection ended, with libsrt's wording where it had one.</summary>
public sealed record SrtClose(SrtCloseReason Reason, string Detail)
{
    public override string ToString() => Detail.Length == 0 ? Reason.ToString() : $"{Reason}: {Detail}";
}

public enum SrtSendResult
{
    Sent,

    /// <summary>libsrt's send buffer was full; the message was dropped (counted in
    /// <see cref="SrtConnection.SendDrops"/>) rather than waiting.</summary>
    Dropped,

    /// <summary>The connection is closed or closing; nothing was sent.</summary>
    Closed,
}

/// <summary>libsrt's own counters for a connection (srt_bstats), retransmissions included.</summary>
public sealed record SrtConnectionStats(
    ulong BytesSent,
    ulong BytesReceived,
    long PacketsSent,
    long PacketsReceived,
    int PacketsSendLoss,
    int PacketsReceiveLoss,
    int PacketsRetransmitted,
    int PacketsSendDropped,
    int PacketsReceiveDropped,
    int PacketsUndecrypted,
    double RttMs,
    double SendRateMbps,
    double ReceiveRateMbps,
    double MaxBandwidthMbps = 0);
