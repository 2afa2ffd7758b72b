namespace OrleansLive.Interfaces;

/// <summary>A DVR file was closed (SRS on_dvr). File is the path on disk; Cwd the recorder's work directory.</summary>
[GenerateSerializer, Immutable]
public sealed record DvrHookFile(
    [property: Id(0)] string File,
    [property: Id(1)] string Cwd,
    [property: Id(2)] string? ClientId = null);

/// <summary>An HLS segment was closed (SRS on_hls). Url is the segment's url relative to the m3u8's
/// directory; Duration in seconds.</summary>
[GenerateSerializer, Immutable]
public sealed record HlsHookSegment(
    [property: Id(0)] string File,
    [property: Id(1)] string Url,
    [property: Id(2)] string M3u8,
    [property: Id(3)] string M3u8Url,
    [property: Id(4)] long SeqNo,
    [property: Id(5)] double Duration,
    [property: Id(6)] string Cwd,
    [property: Id(7)] string? ClientId = null);

/// <summary>
/// File events of a stream that become SRS's on_dvr / on_hls callbacks. Implemented by the stream
/// grain (same key, <see cref="StreamKey.Of"/>), which fills in the publisher's client id, ip, tcUrl
/// and param. Notifications only: the call returns at once, failures are retried and then logged.
/// </summary>
public interface IStreamHookEvents : IGrainWithStringKey
{
    Task OnDvr(DvrHookFile file);

    Task OnHls(HlsHookSegment segment);
}
