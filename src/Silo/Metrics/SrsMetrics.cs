using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.InteropServices;
using OrleansLive.Interfaces;
using OrleansLive.Silo.Api;

namespace OrleansLive.Silo.Metrics;

/// <summary>
/// SRS's exporter metrics (meter "OrleansLive.Srs"), names and labels as SRS 6/7 writes them so its
/// Grafana dashboards work: srs_node_uname_info, srs_build_info, srs_cpu_percent and srs_memory of
/// this process, and cluster-wide srs_streams, srs_clients, srs_clients_total, srs_clients_errs_total,
/// srs_receive_bytes_total and srs_send_bytes_total. The cluster's figures come from the grains,
/// read by <see cref="RefreshAsync"/> before a scrape (at most once a second).
/// </summary>
internal sealed class SrsMetrics
{
    public const string MeterName = "OrleansLive.Srs";

    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);
    private readonly IGrainFactory _grains;
    private readonly CpuSampler _cpu;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Cluster _cluster = new(0, 0, 0, 0, 0, 0);
    private DateTime _readAt = DateTime.MinValue;

    public SrsMetrics(IMeterFactory meters, IGrainFactory grains, CpuSampler cpu, SrsServerIdentity identity)
    {
        _grains = grains;
        _cpu = cpu;
        var meter = meters.Create(MeterName);
        var uname = Uname();
        meter.CreateObservableGauge("srs_node_uname_info", () => new Measurement<int>(1, uname),
            description: "Labeled system information as provided by the uname system call.");
        KeyValuePair<string, object?>[] build =
        [
            new("server", identity.ServerId),
            new("service", identity.ServiceId),
            new("pid", identity.Pid),
            new("build_date", File.GetLastWriteTimeUtc(typeof(SrsMetrics).Assembly.Location).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            new("major", InfoResources.Major.ToString(CultureInfo.InvariantCulture)),
            new("version", InfoResources.Version),
            new("code", "OrleansLive"),
        ];
        meter.CreateObservableGauge("srs_build_info", () => new Measurement<int>(1, build),
            description: "A metric with a constant '1' value labeled by build_date, version from which SRS was built.");
        // As SRS: the process's CPU share times 100, and its resident memory in KiB.
        meter.CreateObservableGauge("srs_cpu_percent", () => _cpu.Use().Self * 100, description: "SRS cpu used percent.");
        meter.CreateObservableGauge("srs_memory", () => ProcFs.KeyValues("/proc/self/status").GetValueOrDefault("VmRSS"), description: "SRS memory used.");
        meter.CreateObservableCounter("srs_send_bytes", () => _cluster.Sent, description: "SRS total sent bytes.");
        meter.CreateObservableCounter("srs_receive_bytes", () => _cluster.Recv, description: "SRS total received bytes.");
        meter.CreateObservableGauge("srs_streams", () => _cluster.Streams, description: "The number of SRS concurrent streams.");
        meter.CreateObservableGauge("srs_clients", () => _cluster.Clients, description: "The number of SRS concurrent clients.");
        meter.CreateObservableCounter("srs_clients_total", () => _cluster.ClientsTotal, description: "The total counts of SRS clients.");
        meter.CreateObservableCounter("srs_clients_errs_total", () => _cluster.Errors, description: "The total errors of SRS clients.");
    }

    /// <summary>Reads the cluster's figures unless the last reading is under a second old.</summary>
    public async Task RefreshAsync()
    {
        await _refresh.WaitAsync();
        try
        {
            if (DateTime.UtcNow - _readAt < MaxAge)
            {
                return;
            }
            var view = new LiveView(_grains);
            var streams = view.StreamSnapshots(await view.ListStreams());
            var totals = view.GatewayTotals();
            var gateways = await _grains.GetGrain<IGatewayLimitsGrain>(0).List();
            _cluster = new Cluster(
                gateways.Sum(g => g.SentBytes), gateways.Sum(g => g.RecvBytes),
                (await streams).Count(s => s.Active), (await totals).Clients,
                gateways.Sum(g => g.ClientsTotal), gateways.Sum(g => g.ClientErrors));
            _readAt = DateTime.UtcNow;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private static KeyValuePair<string, object?>[] Uname()
    {
        var release = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.Version.ToString();
        var version = File.Exists("/proc/sys/kernel/version") ? File.ReadAllText("/proc/sys/kernel/version").Trim() : Environment.OSVersion.VersionString;
        return
        [
            new("sysname", OperatingSystem.IsLinux() ? "Linux" : RuntimeInformation.OSDescription),
            new("nodename", Environment.MachineName),
            new("release", release),
            new("version", version),
            new("machine", RuntimeInformation.OSArchitecture switch { Architecture.X64 => "x86_64", Architecture.Arm64 => "aarch64", var a => a.ToString().ToLowerInvariant() }),
        ];
    }

    private sealed record Cluster(long Sent, long Recv, int Streams, int Clients, long ClientsTotal, long Errors);
}
