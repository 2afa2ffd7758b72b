namespace OrleansLive.Interfaces;

/// <summary>
/// SRS's `ingest ID { }`: a source (a file, a URL ffmpeg reads, a device) that a supervised ffmpeg
/// pushes into a stream of the vhost. <see cref="Engine"/> is ffmpeg's output options as one command
/// line ("-c copy -f flv" by default); <see cref="Output"/> may use [vhost] [port] [app] [stream] [id].
/// </summary>
[GenerateSerializer, Immutable]
public sealed record IngestSettings(
    [property: Id(0)] string Id,
    [property: Id(1)] string InputType,
    [property: Id(2)] string InputUrl,
    [property: Id(3)] string Ffmpeg,
    [property: Id(4)] string Engine,
    [property: Id(5)] string Output,
    [property: Id(6)] string App,
    [property: Id(7)] string Stream);

/// <summary>SRS 3.0's `exec { enabled; publish ...; }` and nginx-rtmp's exec_publish: commands run
/// (with the stream's variables) while a stream is published on the gateway holding its publisher.</summary>
[GenerateSerializer, Immutable]
public sealed record ExecSettings(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] IReadOnlyList<string> Publish);

/// <summary>
/// SRS's `transcode [app] { enabled; ffmpeg; engine NAME { } }`: while a stream of the vhost (of
/// <see cref="App"/> when not empty: "app" or "app/stream") is published, one supervised ffmpeg per
/// engine reads it from the gateway holding its publisher and publishes the engine's rendition back.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TranscodeSettings(
    [property: Id(0)] string App,
    [property: Id(1)] string Ffmpeg,
    [property: Id(2)] IReadOnlyList<TranscodeEngineSettings> Engines);

/// <summary>
/// One rendition: <see cref="VideoCodec"/> libx264, copy or vn (no video); <see cref="AudioCodec"/> aac,
/// copy or an (no audio); bitrates in kbps and picture size (0: keep) for encoded tracks. Encoded video
/// keeps the source's keyframes, so renditions switch at the same points. <see cref="Output"/> may use
/// [vhost] [port] [app] [stream] [engine]; <see cref="ExtraArgs"/> are more ffmpeg output options.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TranscodeEngineSettings(
    [property: Id(0)] string Name,
    [property: Id(1)] string VideoCodec,
    [property: Id(2)] int VideoBitrateKbps,
    [property: Id(3)] int Width,
    [property: Id(4)] int Height,
    [property: Id(5)] double Fps,
    [property: Id(6)] string Profile,
    [property: Id(7)] string Preset,
    [property: Id(8)] string AudioCodec,
    [property: Id(9)] int AudioBitrateKbps,
    [property: Id(10)] string Output,
    [property: Id(11)] string ExtraArgs);

/// <summary>Process kinds in <see cref="ProcessStatus.Kind"/>.</summary>
public static class ProcessKinds
{
    public const string Ingest = "ingest";
    public const string Exec = "exec";
    public const string Transcode = "transcode";
}

/// <summary>States in <see cref="ProcessStatus.State"/>.</summary>
public static class ProcessStates
{
    public const string Running = "running";

    /// <summary>Dead (or never started) and waiting before the next start.</summary>
    public const string Backoff = "backoff";

    public const string Stopped = "stopped";
}

/// <summary>One supervised process on a gateway, as the API shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record ProcessStatus(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Name,
    [property: Id(2)] string StreamKey,
    [property: Id(3)] string GatewayId,
    [property: Id(4)] string State,
    [property: Id(5)] int Pid,
    [property: Id(6)] int Restarts,
    [property: Id(7)] int? LastExitCode,
    [property: Id(8)] DateTime? StartedUtc,
    [property: Id(9)] IReadOnlyList<string> Command,
    [property: Id(10)] IReadOnlyList<string> StderrTail);

/// <summary>A gateway's periodic report: every supervised process it runs.</summary>
[GenerateSerializer, Immutable]
public sealed record ProcessReport(
    [property: Id(0)] string GatewayId,
    [property: Id(1)] IReadOnlyList<ProcessStatus> Processes);

/// <summary>
/// The cluster's supervised processes (key 0), for the API: gateways report theirs every few seconds.
/// Which gateway runs a stream's process is the stream grain's decision (<see cref="IStreamGrain.ClaimProcess"/>).
/// </summary>
public interface IProcessDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Records the gateway's processes.</summary>
    Task Report(ProcessReport report);

    /// <summary>Processes of gateways that reported lately.</summary>
    Task<IReadOnlyList<ProcessStatus>> List();
}
