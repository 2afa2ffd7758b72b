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
/// An HLS segment was closed and listed in the playlist: SRS's on_hls fields (client_id, ip, vhost,
/// app, tcUrl, stream, param, duration in seconds, cwd, file = segment path, url = segment url
/// relative to the m3u8, m3u8 = playlist path, m3u8_url, seq_no, stream_url, stream_id). Paths are as
/// the templates made them, relative to <see cref="Cwd"/> unless absolute.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HlsSegmentEvent(
    [property: Id(0)] string Vhost,
    [property: Id(1)] string App,
    [property: Id(2)] string Stream,
    [property: Id(3)] string StreamUrl,
    [property: Id(4)] string StreamId,
    [property: Id(5)] string ClientId,
    [property: Id(6)] string Ip,
    [property: Id(7)] string TcUrl,
    [property: Id(8)] string Param,
    [property: Id(9)] double Duration,
    [property: Id(10)] string Cwd,
    [property: Id(11)] string File,
    [property: Id(12)] string Url,
    [property: Id(13)] string M3u8,
    [property: Id(14)] string M3u8Url,
    [property: Id(15)] long SeqNo,
    [property: Id(16)] bool Discontinuity,
    [property: Id(17)] string GatewayId,
    [property: Id(18)] DateTime TimeUtc);

/// <summary>
/// A DVR file was closed: SRS's on_dvr fields (client_id, ip, vhost, app, tcUrl, stream, param, cwd,
/// file, stream_url, stream_id) plus what the file holds (duration in seconds, size, format, plan).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DvrFileEvent(
    [property: Id(0)] string Vhost,
    [property: Id(1)] string App,
    [property: Id(2)] string Stream,
    [property: Id(3)] string StreamUrl,
    [property: Id(4)] string StreamId,
    [property: Id(5)] string ClientId,
    [property: Id(6)] string Ip,
    [property: Id(7)] string TcUrl,
    [property: Id(8)] string Param,
    [property: Id(9)] string Cwd,
    [property: Id(10)] string File,
    [property: Id(11)] double Duration,
    [property: Id(12)] long Size,
    [property: Id(13)] string Format,
    [property: Id(14)] string Plan,
    [property: Id(15)] DateTime StartUtc,
    [property: Id(16)] string GatewayId);

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
