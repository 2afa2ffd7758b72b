using System.Globalization;

namespace OrleansLive.LoadTool.Drills;

/// <summary>One look at the server during a soak: a CSV row.</summary>
/// <param name="Seconds">Since the server was ready.</param>
/// <param name="Phase">idle, publishers, churn, leaving, publishers-left.</param>
/// <param name="GcGen2Bytes">Of the heap, generation 2 (long-lived objects) and the large object heap.</param>
/// <param name="Gen2Collections">Full collections so far: the heap's size means most right after one.</param>
/// <param name="IoFds">Open descriptors that are not loaded code (.dll, .pdb, .so): sockets, pipes, files.</param>
/// <param name="GcHeapBytes">The managed heap after the last collection (all generations).</param>
/// <param name="Grains">Grain activations in the silo (Orleans' orleans_grains, summed, without the
/// in-memory storage's own grains).</param>
/// <param name="ClientSessions">Of those, client session grains (one per connection).</param>
public sealed record SoakSample(
    double Seconds,
    string Phase,
    long RssKiB,
    long GcHeapBytes,
    long GcGen2Bytes,
    long GcLohBytes,
    int Gen2Collections,
    long GcCommittedBytes,
    int Threads,
    int OpenFds,
    int IoFds,
    int Grains,
    int ClientSessions,
    double CpuPercent,
    int Playing,
    int PublishersUp,
    int PlayersStarted,
    int PlayersEnded,
    int PlayersStalled,
    int PlayersDropped,
    int PlayersFailed)
{
    public const string CsvHeader =
        "seconds,phase,rss_kib,gc_heap_bytes,gc_gen2_bytes,gc_loh_bytes,gen2_collections,gc_committed_bytes,threads,open_fds,io_fds,grains,client_sessions,cpu_percent,playing,publishers_up,players_started,players_ended,players_stalled,players_dropped,players_failed";

    public string ToCsv() => string.Join(',',
        Seconds.ToString("0.0", CultureInfo.InvariantCulture), Phase, Str(RssKiB), Str(GcHeapBytes), Str(GcGen2Bytes), Str(GcLohBytes), Str(Gen2Collections), Str(GcCommittedBytes), Str(Threads), Str(OpenFds), Str(IoFds),
        Str(Grains), Str(ClientSessions), CpuPercent.ToString("0.0", CultureInfo.InvariantCulture), Str(Playing), Str(PublishersUp),
        Str(PlayersStarted), Str(PlayersEnded), Str(PlayersStalled), Str(PlayersDropped), Str(PlayersFailed));

    public static SoakSample FromCsv(string line)
    {
        var f = line.Split(',');
        static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
        static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);
        static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        return new SoakSample(D(f[0]), f[1], L(f[2]), L(f[3]), L(f[4]), L(f[5]), I(f[6]), L(f[7]), I(f[8]), I(f[9]), I(f[10]), I(f[11]), I(f[12]), D(f[13]),
            I(f[14]), I(f[15]), I(f[16]), I(f[17]), I(f[18]), I(f[19]), I(f[20]));
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
