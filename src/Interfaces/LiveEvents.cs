namespace OrleansLive.Interfaces;

/// <summary>
/// The Orleans streams that carry media file events (SRS's on_hls and on_dvr), one stream per live
/// stream: StreamId.Create(<see cref="HlsNamespace"/> or <see cref="DvrNamespace"/>, the stream key of
/// <see cref="StreamKey.Of"/>). Silos register a stream provider named
/// <see cref="Provider"/> (memory streams by default) with pub-sub storage <see cref="PubSubStore"/>.
/// </summary>
public static class LiveEventStreams
{
    public const string Provider = "live-events";

    /// <summary>Orleans' default name of the grain storage behind stream subscriptions.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>Namespace of <see cref="HlsSegmentEvent"/> streams.</summary>
    public const string HlsNamespace = "on_hls";

    /// <summary>Namespace of <see cref="DvrFileEvent"/> streams.</summary>
    public const string DvrNamespace = "on_dvr";
}

/// <summary>
/// The stream and publisher an event is about: the fields SRS's hooks carry for a stream
/// (vhost, app, stream, stream_url, stream_id, client_id, ip, tcUrl, param), and the gateway
/// that holds the publisher.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StreamEventSource(
    [property: Id(0)] string Vhost,
    [property: Id(1)] string App,
    [property: Id(2)] string Stream,
    [property: Id(3)] string StreamUrl,
    [property: Id(4)] string StreamId,
    [property: Id(5)] string ClientId,
    [property: Id(6)] string Ip,
    [property: Id(7)] string TcUrl,
    [property: Id(8)] string Param,
    [property: Id(9)] string GatewayId);

/// <summary>
/// An HLS segment was closed and listed in the playlist: the rest of SRS's on_hls fields (duration
/// in seconds, cwd, file = segment path, url = segment URI relative to the m3u8, m3u8 = playlist
/// path, m3u8_url, seq_no). Paths are full: a relative template is resolved below the gateway's
/// work directory, <see cref="Cwd"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HlsSegmentEvent(
    [property: Id(0)] StreamEventSource Source,
    [property: Id(1)] double Duration,
    [property: Id(2)] string Cwd,
    [property: Id(3)] string File,
    [property: Id(4)] string Url,
    [property: Id(5)] string M3u8,
    [property: Id(6)] string M3u8Url,
    [property: Id(7)] long SeqNo,
    [property: Id(8)] bool Discontinuity,
    [property: Id(9)] DateTime TimeUtc);

/// <summary>
/// A DVR file was closed: the rest of SRS's on_dvr fields (cwd, file) plus what the file holds
/// (duration in seconds, size, format "flv" or "mp4", plan, start time).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DvrFileEvent(
    [property: Id(0)] StreamEventSource Source,
    [property: Id(1)] string Cwd,
    [property: Id(2)] string File,
    [property: Id(3)] double Duration,
    [property: Id(4)] long Size,
    [property: Id(5)] string Format,
    [property: Id(6)] string Plan,
    [property: Id(7)] DateTime StartUtc);

/// <summary>
/// HLS of one stream, keyed by <see cref="StreamKey.Of"/>: the gateway writing its segments reports
/// each closed segment here, and the grain publishes it on the stream's <see cref="LiveEventStreams.HlsNamespace"/> stream.
/// </summary>
public interface IHlsGrain : IGrainWithStringKey
{
    Task SegmentClosed(HlsSegmentEvent segment);

    /// <summary>The last segments reported, oldest first (a few dozen at most).</summary>
    Task<IReadOnlyList<HlsSegmentEvent>> RecentSegments();
}
