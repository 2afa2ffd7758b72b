using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>What a server process holds: resident memory, the managed heap after a full collection, open descriptors.</summary>
public sealed record ServerMemory(long ResidentBytes, long HeapBytes, int Descriptors)
{
    private const long GcHeapCollectKeyword = 0x800000;

    public override string ToString() => $"RSS {ResidentBytes / 1048576.0:F1} MB, heap {HeapBytes / 1048576.0:F1} MB, {Descriptors} descriptors";

    /// <summary>Asks the process for a full, blocking garbage collection (what dotnet-gcdump does, through the runtime's
    /// diagnostics port), then reads the heap it left from the process's /metrics, and RSS and descriptors from /proc.</summary>
    public static async Task<ServerMemory> MeasureAsync(int pid, Func<Task<PrometheusText>> scrape)
    {
        var gen2 = (await scrape()).Sum("dotnet_gc_collections_total", ("gc_heap_generation", "gen2")) ?? 0;
        var client = new DiagnosticsClient(pid);
        using (var session = client.StartEventPipeSession(
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, GcHeapCollectKeyword), requestRundown: false))
        {
            await Wait.UntilAsync(async () => (await scrape()).Sum("dotnet_gc_collections_total", ("gc_heap_generation", "gen2")) > gen2,
                TimeSpan.FromSeconds(30), "the induced full collection");
            session.Stop();
        }
        var metrics = await scrape();
        return new ServerMemory(Resident(pid), (long)(metrics.Sum("dotnet_gc_last_collection_heap_size_bytes") ?? 0), Directory.GetFiles($"/proc/{pid}/fd").Length);
    }

    public static long Resident(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("no VmRSS in /proc status");
    }
}
