namespace OrleansLive.Interfaces;

/// <summary>Per-vhost settings (the SRS `vhost { }` block). Grows as features land. HttpHooks and
/// Security are null when not configured (no hooks, no rules).</summary>
[GenerateSerializer, Immutable]
public sealed record VhostSettings(
    [property: Id(0)] bool Enabled = true,
    [property: Id(1)] bool GopCache = true,
    [property: Id(2)] double QueueLengthSeconds = 30,
    [property: Id(3)] int ChunkSize = 60000,
    [property: Id(4)] ForwardSettings? Forward = null,
    [property: Id(10)] HttpHooksSettings? HttpHooks = null,
    [property: Id(11)] SecuritySettings? Security = null)
{
    [Id(20)] public HlsSettings Hls { get; init; } = new();

    [Id(21)] public DvrSettings Dvr { get; init; } = new();

    [Id(22)] public RtcBridgeSettings Rtc { get; init; } = new();

    [Id(23)] public PlaySettings Play { get; init; } = new();

    /// <summary>The vhost's enabled ingests (SRS `ingest ID { }`); null or empty for none.</summary>
    [Id(24)] public IReadOnlyList<IngestSettings>? Ingests { get; init; }

    /// <summary>Commands run beside each publish (SRS `exec { }`); null when off.</summary>
    [Id(25)] public ExecSettings? Exec { get; init; }

    [Id(26)] public DashSettings Dash { get; init; } = new();

    [Id(27)] public SnapshotSettings Snapshot { get; init; } = new();

    /// <summary>Renditions made of each publish (SRS `transcode { }`); null when off or without engines.</summary>
    [Id(28)] public TranscodeSettings? Transcode { get; init; }
}

/// <summary>What the HTTP API shows of a vhost. The counters are aggregated by the API from streams.</summary>
[GenerateSerializer, Immutable]
public sealed record VhostSnapshot(
    [property: Id(0)] string VhostId,
    [property: Id(1)] string Name,
    [property: Id(2)] VhostSettings Settings)
{
    /// <summary>True while an override stored through the API replaces the configured settings.</summary>
    [Id(3)] public bool Overridden { get; init; }

    /// <summary>The version of the cluster's vhost configuration these settings come from (0 before any).</summary>
    [Id(4)] public long ConfigVersion { get; init; }
}

/// <summary>A vhost, keyed by its name ("__defaultVhost__" for the default one).</summary>
public interface IVhostGrain : IGrainWithStringKey
{
    [Orleans.Concurrency.ReadOnly]
    Task<VhostSettings> GetSettings();

    /// <summary>Stores an override of the configured settings for the whole cluster, shown in the API,
    /// until the next configuration load replaces it.</summary>
    Task SetSettings(VhostSettings settings);

    [Orleans.Concurrency.ReadOnly]
    Task<VhostSnapshot> GetSnapshot();
}

/// <summary>Names of the vhosts seen so far (configured or used), for /api/v1/vhosts. Key 0.</summary>
public interface IVhostDirectoryGrain : IGrainWithIntegerKey
{
    Task Add(string name);
    Task<IReadOnlyList<string>> List();
}

/// <summary>
/// SRS's `forward { enabled; destination ...; backend ...; }`: where the gateway holding a publisher
/// pushes a copy. Each destination is "host[:port]" (the stream keeps its app) or "rtmp://host[:port]/app"
/// (the app is replaced); the stream name and param are kept. Backend, when not empty, is asked per
/// publish with SRS's on_forward request and answers with more RTMP URLs.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ForwardSettings(
    [property: Id(0)] bool Enabled = false,
    [property: Id(1)] IReadOnlyList<string>? Destinations = null,
    [property: Id(2)] string Backend = "");
