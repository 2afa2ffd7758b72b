using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>Configured HLS settings of a vhost ("Vhosts:&lt;name&gt;:Hls"); mirrors <see cref="HlsSettings"/>.</summary>
public sealed class HlsOptions
{
    private static readonly HlsSettings Defaults = new();

    public bool Enabled { get; set; } = Defaults.Enabled;
    public double Fragment { get; set; } = Defaults.Fragment;
    public double Window { get; set; } = Defaults.Window;
    public string Path { get; set; } = Defaults.Path;
    public string M3u8File { get; set; } = Defaults.M3u8File;
    public string TsFile { get; set; } = Defaults.TsFile;
    public bool Cleanup { get; set; } = Defaults.Cleanup;
    public double Dispose { get; set; } = Defaults.Dispose;
    public bool WaitKeyframe { get; set; } = Defaults.WaitKeyframe;
    public bool Fmp4 { get; set; } = Defaults.Fmp4;
    public string EntryPrefix { get; set; } = Defaults.EntryPrefix;

    public HlsSettings ToSettings() =>
        new(Enabled, Fragment, Window, Path, M3u8File, TsFile, Cleanup, Dispose, WaitKeyframe, Fmp4, EntryPrefix);
}

/// <summary>Configured DASH settings of a vhost ("Vhosts:&lt;name&gt;:Dash"); mirrors <see cref="DashSettings"/>.</summary>
public sealed class DashOptions
{
    private static readonly DashSettings Defaults = new();

    public bool Enabled { get; set; } = Defaults.Enabled;
    public double Fragment { get; set; } = Defaults.Fragment;
    public double UpdatePeriod { get; set; } = Defaults.UpdatePeriod;
    public double Timeshift { get; set; } = Defaults.Timeshift;
    public string Path { get; set; } = Defaults.Path;
    public string MpdFile { get; set; } = Defaults.MpdFile;
    public bool Cleanup { get; set; } = Defaults.Cleanup;
    public double Dispose { get; set; } = Defaults.Dispose;

    public DashSettings ToSettings() => new(Enabled, Fragment, UpdatePeriod, Timeshift, Path, MpdFile, Cleanup, Dispose);
}

/// <summary>Configured snapshots of a vhost ("Vhosts:&lt;name&gt;:Snapshot"); mirrors <see cref="SnapshotSettings"/>.
/// The interval is at least <see cref="SnapshotSettings.MinIntervalSeconds"/>; a width is made even (JPEG
/// of 4:2:0 pictures) and at most <see cref="SnapshotSettings.MaxWidth"/>, 0 or less keeps the published size.</summary>
public sealed class SnapshotOptions
{
    private static readonly SnapshotSettings Defaults = new();

    public bool Enabled { get; set; } = Defaults.Enabled;
    public double IntervalSeconds { get; set; } = Defaults.IntervalSeconds;
    public int Width { get; set; } = Defaults.Width;
    public string Ffmpeg { get; set; } = Defaults.Ffmpeg;

    public SnapshotSettings ToSettings() => new(
        Enabled,
        double.IsFinite(IntervalSeconds) ? Math.Max(SnapshotSettings.MinIntervalSeconds, IntervalSeconds) : Defaults.IntervalSeconds,
        Width <= 0 ? 0 : Math.Min(SnapshotSettings.MaxWidth, Math.Max(2, Width & ~1)),
        string.IsNullOrWhiteSpace(Ffmpeg) ? Defaults.Ffmpeg : Ffmpeg.Trim());
}

/// <summary>Configured DVR settings of a vhost ("Vhosts:&lt;name&gt;:Dvr"); mirrors <see cref="DvrSettings"/>.</summary>
public sealed class DvrOptions
{
    private static readonly DvrSettings Defaults = new();

    public bool Enabled { get; set; } = Defaults.Enabled;
    public string Apply { get; set; } = Defaults.Apply;
    public string Plan { get; set; } = Defaults.Plan;
    public string Path { get; set; } = Defaults.Path;
    public double Duration { get; set; } = Defaults.Duration;
    public bool WaitKeyframe { get; set; } = Defaults.WaitKeyframe;

    public DvrSettings ToSettings() => new(Enabled, Apply, Plan, Path, Duration, WaitKeyframe);
}

/// <summary>"Vhosts:&lt;name&gt;:Rtc": SRS's `rtc { rtmp_to_rtc; rtc_to_rtmp; }`.</summary>
/// <summary>"Vhosts:&lt;name&gt;:Play" (SRS `play { mw_latency; }`).</summary>
public sealed class PlayOptions
{
    public int MergedWriteMs { get; set; } = new PlaySettings().MergedWriteMs;

    public PlaySettings ToSettings() => new(MergedWriteMs);
}

public sealed class RtcBridgeOptions
{
    private static readonly RtcBridgeSettings Defaults = new();

    public bool RtmpToRtc { get; set; } = Defaults.RtmpToRtc;
    public bool RtcToRtmp { get; set; } = Defaults.RtcToRtmp;

    public RtcBridgeSettings ToSettings() => new(RtmpToRtc, RtcToRtmp);
}
