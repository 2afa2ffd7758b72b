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
    [property: Id(14)] DateTime StartedUtc)
{
    /// <summary>The type of a connection whose role (publish or play) is not known yet.</summary>
    public const string UnknownType = "Unknown";

    /// <summary>This record updated with what <paramref name="later"/> adds. Opens are sent without
    /// waiting and may arrive out of order: an empty field or an "Unknown" type never erases what is
    /// already known, and the start time stays the first one.</summary>
    public ClientSessionInfo MergedWith(ClientSessionInfo later) => new(
        ClientId, Pick(later.GatewayId, GatewayId), Pick(later.Ip, Ip), Pick(later.Protocol, Protocol),
        later.Type is "" or UnknownType ? Type : later.Type, Publish || later.Publish,
        Pick(later.Vhost, Vhost), Pick(later.App, App), Pick(later.Stream, Stream),
        string.IsNullOrEmpty(later.StreamId) ? StreamId : later.StreamId,
        Pick(later.TcUrl, TcUrl), Pick(later.PageUrl, PageUrl), Pick(later.SwfUrl, SwfUrl), Pick(later.Param, Param),
        StartedUtc);

    private static string Pick(string later, string known) => later.Length > 0 ? later : known;
}

/// <summary>The stored record of one connection, live or ended.</summary>
[GenerateSerializer, Immutable]
public sealed record ClientSessionSnapshot(
    [property: Id(0)] ClientSessionInfo Info,
    [property: Id(1)] DateTime? EndedUtc,
    [property: Id(2)] long SendBytes,
    [property: Id(3)] long RecvBytes,
    [property: Id(4)] int KbpsSend30s,
    [property: Id(5)] int KbpsRecv30s,
    [property: Id(6)] RtpClientStats? Rtp = null);

/// <summary>What an RTP client (WebRTC) adds to its record: packets either way, packets lost on the
/// way in, and the repair traffic (NACKed packets, retransmissions, keyframe requests).</summary>
[GenerateSerializer, Immutable]
public sealed record RtpClientStats(
    [property: Id(0)] long PacketsReceived,
    [property: Id(1)] long PacketsSent,
    [property: Id(2)] long PacketsLost,
    [property: Id(3)] long Nacks,
    [property: Id(4)] long Retransmits,
    [property: Id(5)] long KeyframeRequests,
    [property: Id(6)] double? AvOffsetMs = null);
