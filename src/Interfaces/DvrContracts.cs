namespace OrleansLive.Interfaces;

/// <summary>What the gateway holding a publisher records: plan, SRS path template, segment length.
/// <see cref="Source"/> says why: "config" (the vhost's dvr settings) or "api" (the DVR control API).</summary>
[GenerateSerializer, Immutable]
public sealed record DvrAssignment(
    [property: Id(0)] string Plan,
    [property: Id(1)] string Path,
    [property: Id(2)] double Duration,
    [property: Id(3)] bool WaitKeyframe,
    [property: Id(4)] string Source);

/// <summary>A publish as the DVR sees it, for its decision and for the on_dvr event's fields.</summary>
[GenerateSerializer, Immutable]
public sealed record DvrPublish(
    [property: Id(0)] string ClientId,
    [property: Id(1)] string GatewayId,
    [property: Id(2)] string StreamId,
    [property: Id(3)] string Ip,
    [property: Id(4)] string TcUrl,
    [property: Id(5)] string Param);

/// <summary>
/// One recorded file. <see cref="Path"/> is the full path (a relative template is resolved below
/// <see cref="Cwd"/>, the recording gateway's work directory, SRS's work_dir).
/// Duration and size are final once <see cref="Closed"/>; while recording, the recorder reports them
/// about once a second of media (an MP4 file grows a fragment at a time).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DvrFile(
    [property: Id(0)] string Path,
    [property: Id(1)] string Cwd,
    [property: Id(2)] string Format,
    [property: Id(3)] string Plan,
    [property: Id(4)] DateTime StartUtc,
    [property: Id(5)] double Duration,
    [property: Id(6)] long Size,
    [property: Id(7)] bool Closed,
    [property: Id(8)] string ClientId,
    [property: Id(9)] string GatewayId);

/// <summary>A stream's DVR state: whether it is published and recorded now, and its files, oldest first.</summary>
[GenerateSerializer, Immutable]
public sealed record DvrStatus(
    [property: Id(0)] string StreamKey,
    [property: Id(1)] bool Live,
    [property: Id(2)] bool Recording,
    [property: Id(3)] DvrAssignment? Assignment,
    [property: Id(4)] IReadOnlyList<DvrFile> Files);

/// <summary>
/// The DVR of one stream, keyed by <see cref="StreamKey.Of"/>. Decides at each publish whether and
/// how it is recorded (the vhost's dvr settings, or the control API), keeps the list of files the
/// gateway reports, and publishes an event for each closed file on its <see cref="LiveEventStreams.DvrNamespace"/> stream.
/// </summary>
public interface IDvrGrain : IGrainWithStringKey
{
    /// <summary>A publish started on a gateway; returns what to record, or null for nothing.</summary>
    Task<DvrAssignment?> OnPublish(DvrPublish publish);

    /// <summary>The publish ended; an API start or stop made for it expires with it.</summary>
    Task OnUnpublish(string clientId);

    Task FileOpened(DvrFile file);

    /// <summary>The open file's duration and size so far; ignored once the file is closed.</summary>
    Task FileProgress(DvrFile file);

    /// <summary>The file is complete: recorded, and announced as an on_dvr event.</summary>
    Task FileClosed(DvrFile file);

    /// <summary>The control API's start: records the live publish now (through its gateway), or the
    /// next publish if none is live. Null settings take the vhost's path, plan and duration.</summary>
    Task<DvrStatus> Start(DvrAssignment? settings);

    /// <summary>The control API's stop: stops recording the live publish (or the next one).</summary>
    Task<DvrStatus> Stop();

    Task<DvrStatus> GetStatus();
}

/// <summary>Keys of the streams that have DVR state, for /api/v1/dvrs. A single activation, key 0.</summary>
public interface IDvrDirectoryGrain : IGrainWithIntegerKey
{
    Task Add(string streamKey);
    Task<IReadOnlyList<string>> List();
}
