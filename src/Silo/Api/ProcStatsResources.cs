using System.Text.Json.Nodes;

namespace OrleansLive.Silo.Api;

/// <summary>/api/v1/self_proc_stats (this process's /proc/self/stat) and /api/v1/system_proc_stats
/// (the "cpu" line of /proc/stat), with SRS's field names; "percent" is the CPU share since the last
/// reading, as a ratio.</summary>
internal static class ProcStatsResources
{
    // /proc/self/stat from field 4 (ppid) on, in order, as SRS names them.
    private static readonly string[] SelfFields =
    [
        "ppid", "pgrp", "session", "tty_nr", "tpgid", "flags", "minflt", "cminflt", "majflt", "cmajflt",
        "utime", "stime", "cutime", "cstime", "priority", "nice", "num_threads", "itrealvalue", "starttime",
        "vsize", "rss", "rsslim", "startcode", "endcode", "startstack", "kstkesp", "kstkeip", "signal",
        "blocked", "sigignore", "sigcatch", "wchan", "nswap", "cnswap", "exit_signal", "processor",
        "rt_priority", "policy", "delayacct_blkio_ticks", "guest_time", "cguest_time",
    ];

    // The "cpu" line of /proc/stat after its name, in order.
    private static readonly string[] SystemFields = ["user", "nice", "sys", "idle", "iowait", "irq", "softirq", "steal", "guest"];

    public static Task<SrsReply> Self(SrsRequest request)
    {
        var stat = ProcFs.SelfStatFields();
        var data = new JsonObject
        {
            ["ok"] = stat.Length > 0,
            ["sample_time"] = SrsJson.UnixMs(request.NowUtc),
            ["percent"] = Cpu(request).Self,
            ["pid"] = Environment.ProcessId,
            ["comm"] = ProcFs.SelfCommand(),
            ["state"] = stat.ElementAtOrDefault(0) ?? "",
        };
        for (var i = 0; i < SelfFields.Length; i++)
        {
            data[SelfFields[i]] = ProcFs.Long(stat.ElementAtOrDefault(i + 1));
        }
        return Reply(request, data);
    }

    public static Task<SrsReply> System(SrsRequest request)
    {
        var cpu = ProcFs.CpuLine();
        var data = new JsonObject
        {
            ["ok"] = cpu.Length > 0,
            ["sample_time"] = SrsJson.UnixMs(request.NowUtc),
            ["percent"] = Cpu(request).System,
        };
        for (var i = 0; i < SystemFields.Length; i++)
        {
            data[SystemFields[i]] = cpu.ElementAtOrDefault(i);
        }
        return Reply(request, data);
    }

    private static (double Self, double System) Cpu(SrsRequest request) =>
        request.Http.RequestServices.GetRequiredService<CpuSampler>().Use();

    private static Task<SrsReply> Reply(SrsRequest request, JsonObject data)
    {
        var body = request.Envelope();
        body["data"] = data;
        return Task.FromResult(SrsReply.Ok(body));
    }
}
