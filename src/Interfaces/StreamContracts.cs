namespace OrleansLive.Interfaces;

/// <summary>A publisher asking for the publish lease of a stream.</summary>
[GenerateSerializer, Immutable]
public sealed record PublishClaim(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string GatewayId,
    [property: Id(2)] string Ip,
    [property: Id(3)] string TcUrl,
    [property: Id(4)] string Param);

/// <summary>The grain's answer to a <see cref="PublishClaim"/>. StreamId is SRS's "vid-xxxxxxx".</summary>
[GenerateSerializer, Immutable]
public sealed record PublishVerdict(
    [property: Id(0)] bool Granted,
    [property: Id(1)] string StreamId,
    [property: Id(2)] string? Reason);

/// <summary>
/// Cumulative traffic one gateway saw for one stream since that gateway started serving it.
/// Cumulative, not deltas, so a repeated or lost report never skews the totals.
/// The publisher's gateway sets PublisherClientId, which also renews the publish lease.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StreamTraffic(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] string? PublisherClientId,
    [property: Id(2)] long RecvBytes,
    [property: Id(3)] long SendBytes,
    [property: Id(4)] long VideoFrames,
    [property: Id(5)] int Players,
    [property: Id(6)] AudioBridgeInfo? AudioBridge = null,
    [property: Id(7)] SnapshotImageInfo? Snapshot = null);

/// <summary>The latest JPEG snapshot of a stream on the gateway holding its publisher (served there
/// at `/{app}/{stream}.jpg`): when its keyframe was decoded, its size in pixels and bytes.</summary>
[GenerateSerializer, Immutable]
public sealed record SnapshotImageInfo(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] DateTime TakenUtc,
    [property: Id(2)] int Width,
    [property: Id(3)] int Height,
    [property: Id(4)] int Bytes);

/// <summary>
/// A stream's audio converted on one gateway for the players of the other family: Side "rtc" (AAC to
/// Opus for WebRTC players, SRS's rtmp_to_rtc) or "rtmp" (Opus to AAC for RTMP, FLV, TS, HLS and DVR,
/// SRS's rtc_to_rtmp).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AudioBridgeInfo(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] string Side,
    [property: Id(2)] string From,
    [property: Id(3)] string To,
    [property: Id(4)] int SampleRate,
    [property: Id(5)] int Channels,
    [property: Id(6)] int Bitrate,
    [property: Id(7)] long FramesIn,
    [property: Id(8)] long FramesOut,
    [property: Id(9)] long DroppedFrames);

/// <summary>Where a stream's publisher is, for a gateway that wants to pull it.</summary>
[GenerateSerializer, Immutable]
public sealed record PublisherLocation(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string GatewayId);

/// <summary>What the HTTP API shows of a stream. Silo names the silo that hosts the stream's grain.</summary>
[GenerateSerializer, Immutable]
public sealed record StreamSnapshot(
    [property: Id(0)] string StreamId,
    [property: Id(1)] string Vhost,
    [property: Id(2)] string App,
    [property: Id(3)] string Stream,
    [property: Id(4)] string TcUrl,
    [property: Id(5)] bool Active,
    [property: Id(6)] string? PublisherClientId,
    [property: Id(7)] string? PublisherGatewayId,
    [property: Id(8)] int Clients,
    [property: Id(9)] long VideoFrames,
    [property: Id(10)] long SendBytes,
    [property: Id(11)] long RecvBytes,
    [property: Id(12)] int KbpsRecv30s,
    [property: Id(13)] int KbpsSend30s,
    [property: Id(14)] VideoInfo? Video,
    [property: Id(15)] AudioInfo? Audio,
    [property: Id(16)] DateTime? PublishedAtUtc,
    [property: Id(17)] string? Silo = null,
    [property: Id(18)] IReadOnlyList<ForwardStatus>? Forwards = null,
    [property: Id(19)] IReadOnlyList<AudioBridgeInfo>? AudioBridges = null,
    [property: Id(20)] SnapshotImageInfo? Snapshot = null);
