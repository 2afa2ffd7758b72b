using OrleansLive.Grains.Forward;
using OrleansLive.Grains.Hooks;
using OrleansLive.Grains.Processes;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// The configured defaults of one vhost, a named options instance per vhost name bound from
/// configuration section "Vhosts:&lt;name&gt;" (e.g. "Vhosts:__defaultVhost__:GopCache"). Mirrors
/// <see cref="VhostSettings"/>; settings stored through <see cref="IVhostGrain.SetSettings"/> win.
/// </summary>
public sealed class VhostOptions
{
    public const string SectionName = "Vhosts";

    private static readonly VhostSettings Defaults = new();

    public bool Enabled { get; set; } = Defaults.Enabled;
    public bool GopCache { get; set; } = Defaults.GopCache;
    public double QueueLengthSeconds { get; set; } = Defaults.QueueLengthSeconds;
    public int ChunkSize { get; set; } = Defaults.ChunkSize;

    public HttpHooksOptions HttpHooks { get; set; } = new();
    public SecurityOptions Security { get; set; } = new();

    /// <summary>SRS's `forward { }` block ("Vhosts:&lt;name&gt;:Forward").</summary>
    public ForwardOptions Forward { get; set; } = new();

    public HlsOptions Hls { get; set; } = new();
    public DvrOptions Dvr { get; set; } = new();
    public RtcBridgeOptions Rtc { get; set; } = new();
    public PlayOptions Play { get; set; } = new();
    public DashOptions Dash { get; set; } = new();

    /// <summary>JPEG snapshots of live streams ("Vhosts:&lt;name&gt;:Snapshot").</summary>
    public SnapshotOptions Snapshot { get; set; } = new();

    /// <summary>SRS's `ingest ID { }` blocks by id ("Vhosts:&lt;name&gt;:Ingest:&lt;id&gt;").</summary>
    public Dictionary<string, IngestOptions> Ingest { get; set; } = new(StringComparer.Ordinal);

    /// <summary>SRS's `exec { }` block ("Vhosts:&lt;name&gt;:Exec").</summary>
    public ExecOptions Exec { get; set; } = new();

    /// <summary>SRS's `transcode { }` block ("Vhosts:&lt;name&gt;:Transcode").</summary>
    public TranscodeOptions Transcode { get; set; } = new();

    public VhostSettings ToSettings() => new(Enabled, GopCache, QueueLengthSeconds, ChunkSize)
    {
        HttpHooks = HttpHooks.ToSettings(),
        Security = Security.ToSettings(),
        Forward = Forward.ToSettings(),
        Hls = Hls.ToSettings(),
        Dvr = Dvr.ToSettings(),
        Rtc = Rtc.ToSettings(),
        Play = Play.ToSettings(),
        Ingests = IngestOptions.ToSettings(Ingest),
        Exec = Exec.ToSettings(),
        Dash = Dash.ToSettings(),
        Snapshot = Snapshot.ToSettings(),
        Transcode = Transcode.ToSettings(),
    };
}
