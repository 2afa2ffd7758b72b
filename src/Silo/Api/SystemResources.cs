using System.Diagnostics;
using System.Text.Json.Nodes;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>/api/v1/summaries, /rusages and /meminfos, read from Linux /proc (zeros elsewhere).</summary>
internal static class SystemResources
{
    public static async Task<SrsReply> Summaries(SrsRequest request)
    {
        var now = request.NowUtc;
        var nowMs = SrsJson.UnixMs(now);
        var (selfCpu, systemCpu) = request.Http.RequestServices.GetRequiredService<CpuSampler>().Use();
        var mem = ProcFs.KeyValues("/proc/meminfo");
        var status = ProcFs.KeyValues("/proc/self/status");
        var stat = ProcFs.SelfStatFields();
        var load = ProcFs.Numbers("/proc/loadavg");
        var uptime = ProcFs.Numbers("/proc/uptime");
        var (netRecv, netSend, netRecvi, netSendi) = ProcFs.NetBytes();
        using var process = Process.GetCurrentProcess();

        var memTotal = mem.GetValueOrDefault("MemTotal");
        var rss = status.GetValueOrDefault("VmRSS");
        var swapTotal = mem.GetValueOrDefault("SwapTotal");
        var (srsRecv, srsSend, connections) = await LiveTotals(request.Grains);
        var (refused, gateways) = await GatewayLimitsJson.Read(request.Grains);

        var body = request.Envelope();
        body["data"] = new JsonObject
        {
            ["ok"] = stat.Length > 0,
            ["now_ms"] = nowMs,
            ["self"] = new JsonObject
            {
                ["version"] = InfoResources.Version,
                ["pid"] = Environment.ProcessId,
                ["ppid"] = ProcFs.Long(stat.ElementAtOrDefault(1)),
                ["argv"] = string.Join(' ', Environment.GetCommandLineArgs()),
                ["cwd"] = Environment.CurrentDirectory,
                ["mem_kbyte"] = rss,
                ["mem_percent"] = Ratio(rss, memTotal),
                ["cpu_percent"] = selfCpu,
                ["srs_uptime"] = (long)(now - process.StartTime.ToUniversalTime()).TotalSeconds,
            },
            ["system"] = new JsonObject
            {
                ["cpu_percent"] = systemCpu,
                ["disk_read_KBps"] = 0,
                ["disk_write_KBps"] = 0,
                ["disk_busy_percent"] = 0,
                ["mem_ram_kbyte"] = memTotal,
                ["mem_ram_percent"] = Ratio(memTotal - mem.GetValueOrDefault("MemAvailable", mem.GetValueOrDefault("MemFree")), memTotal),
                ["mem_swap_kbyte"] = swapTotal,
                ["mem_swap_percent"] = Ratio(swapTotal - mem.GetValueOrDefault("SwapFree"), swapTotal),
                ["cpus"] = Environment.ProcessorCount,
                ["cpus_online"] = Environment.ProcessorCount,
                ["uptime"] = uptime.ElementAtOrDefault(0),
                ["ilde_time"] = uptime.ElementAtOrDefault(1), // SRS's spelling
                ["load_1m"] = load.ElementAtOrDefault(0),
                ["load_5m"] = load.ElementAtOrDefault(1),
                ["load_15m"] = load.ElementAtOrDefault(2),
                ["net_sample_time"] = nowMs,
                ["net_recv_bytes"] = netRecv,
                ["net_send_bytes"] = netSend,
                ["net_recvi_bytes"] = netRecvi,
                ["net_sendi_bytes"] = netSendi,
                ["srs_sample_time"] = nowMs,
                ["srs_recv_bytes"] = srsRecv,
                ["srs_send_bytes"] = srsSend,
                ["conn_sys"] = ProcFs.SockStat("TCP:", "alloc"),
                ["conn_sys_et"] = ProcFs.SockStat("TCP:", "inuse"),
                ["conn_sys_tw"] = ProcFs.SockStat("TCP:", "tw"),
                ["conn_sys_udp"] = ProcFs.SockStat("UDP:", "inuse"),
                ["conn_srs"] = connections,
                ["conn_srs_refused"] = refused,
            },
            ["gateways"] = gateways,
            ["silos"] = await SilosJson.Read(request.Grains),
        };
        return SrsReply.Ok(body);
    }

    public static Task<SrsReply> Rusages(SrsRequest request)
    {
        var stat = ProcFs.SelfStatFields();
        var status = ProcFs.KeyValues("/proc/self/status");
        using var process = Process.GetCurrentProcess();
        var body = request.Envelope();
        body["data"] = new JsonObject
        {
            ["ok"] = stat.Length > 0,
            ["sample_time"] = SrsJson.UnixMs(request.NowUtc),
            ["ru_utime"] = (long)process.UserProcessorTime.TotalSeconds,
            ["ru_stime"] = (long)process.PrivilegedProcessorTime.TotalSeconds,
            ["ru_maxrss"] = status.GetValueOrDefault("VmHWM"),
            ["ru_ixrss"] = 0,
            ["ru_idrss"] = 0,
            ["ru_isrss"] = 0,
            ["ru_minflt"] = ProcFs.Long(stat.ElementAtOrDefault(7)),
            ["ru_majflt"] = ProcFs.Long(stat.ElementAtOrDefault(9)),
            ["ru_nswap"] = 0,
            ["ru_inblock"] = 0,
            ["ru_oublock"] = 0,
            ["ru_msgsnd"] = 0,
            ["ru_msgrcv"] = 0,
            ["ru_nsignals"] = 0,
            ["ru_nvcsw"] = status.GetValueOrDefault("voluntary_ctxt_switches"),
            ["ru_nivcsw"] = status.GetValueOrDefault("nonvoluntary_ctxt_switches"),
        };
        return Task.FromResult(SrsReply.Ok(body));
    }

    public static Task<SrsReply> MemInfos(SrsRequest request)
    {
        var mem = ProcFs.KeyValues("/proc/meminfo");
        long Kb(string key) => mem.GetValueOrDefault(key);
        // SRS's derived figures: active = total - free; real use leaves out buffers and page cache.
        var active = Kb("MemTotal") - Kb("MemFree");
        var realInUse = active - Kb("Buffers") - Kb("Cached");
        var body = request.Envelope();
        body["data"] = new JsonObject
        {
            ["ok"] = mem.Count > 0,
            ["sample_time"] = SrsJson.UnixMs(request.NowUtc),
            ["percent_ram"] = Ratio(realInUse, Kb("MemTotal")),
            ["percent_swap"] = Ratio(Kb("SwapTotal") - Kb("SwapFree"), Kb("SwapTotal")),
            ["MemActive"] = active,
            ["RealInUse"] = realInUse,
            ["NotInUse"] = Kb("MemTotal") - realInUse,
            ["MemTotal"] = Kb("MemTotal"),
            ["MemFree"] = Kb("MemFree"),
            ["Buffers"] = Kb("Buffers"),
            ["Cached"] = Kb("Cached"),
            ["SwapTotal"] = Kb("SwapTotal"),
            ["SwapFree"] = Kb("SwapFree"),
        };
        return Task.FromResult(SrsReply.Ok(body));
    }

    /// <summary>Bytes of the streams the live gateways serve and their connections, cluster-wide:
    /// one call per gateway grain, none per stream or client.</summary>
    private static Task<(long Recv, long Send, int Clients)> LiveTotals(IGrainFactory grains) => new LiveView(grains).GatewayTotals();

    private static double Ratio(long part, long whole) => whole > 0 ? (double)part / whole : 0;
}
