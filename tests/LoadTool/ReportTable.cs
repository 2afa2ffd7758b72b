using System.Globalization;
using System.Text;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.LoadTool;

/// <summary>Text forms of results: a run's closing summary and a Markdown table over many runs.</summary>
public static class ReportTable
{
    public static string Summary(LoadResult r)
    {
        var s = new StringBuilder();
        s.AppendLine(Invariant($"== {Name(r)}: {r.Publishers} publisher(s), {r.RtmpPlayers} RTMP + {r.FlvPlayers} HTTP-FLV + {r.TsPlayers} HTTP-TS + {r.SrtPlayers} SRT + {r.WhepPlayers} WHEP + {r.LlHlsPlayers} LL-HLS players, ramp {r.RampSeconds:0.0} s, window {r.SteadySeconds:0.0} s"));
        s.AppendLine(Invariant($"   players: {r.PlayersGotFrames} got frames, {r.PlayersHeld} held without stalls, {r.PlayersStalled} stalled ({r.StallEvents} stalls, longest gap {Num(r.MaxGapMs)} ms), {r.PlayersDropped} dropped, {r.PlayersFailed} failed"));
        s.AppendLine(Invariant($"   delivered {r.DeliveredMbps:0.0} Mbit/s, {r.FramesPerSecond:0} frames/s; publisher max lateness {r.PublisherMaxLateMs:0.0} ms"));
        s.AppendLine(Invariant($"   latency p50 {Num(r.Latency.P50)} / p90 {Num(r.Latency.P90)} / p99 {Num(r.Latency.P99)} / max {Num(r.Latency.Max)} ms ({r.Latency.Count} samples); time to first frame p50 {Num(r.TimeToFirstFrame.P50)} / p99 {Num(r.TimeToFirstFrame.P99)} ms"));
        if (r.Rtp is { } rtp)
        {
            s.AppendLine(Invariant($"   webrtc: {rtp.Connected}/{rtp.Players} connected (ICE + DTLS), {rtp.Packets} RTP packets, {rtp.Lost} lost ({rtp.LossPercent:0.###}%, {rtp.PlayersWithLoss} players), {rtp.RtcpPackets} RTCP, {rtp.UnprotectFailures} failed SRTP; first frame p50 {Num(r.TimeToFirstFrame.P50)} / p95 {Num(r.TimeToFirstFrame.P95)} / p99 {Num(r.TimeToFirstFrame.P99)} ms"));
        }
        if (r.Server is { } server)
        {
            s.AppendLine(Invariant($"   server: {server.CpuSeconds:0.00} CPU s ({server.CpuPercent:0}% of one core), {Num(server.CpuSecondsPerGB)} CPU s/GB, RSS {server.RssBeforePlayersKiB / 1024.0:0.0} -> {server.RssLoadedKiB / 1024.0:0.0} MiB ({Num(server.RssPerPlayerKiB)} KiB per player)"));
        }
        foreach (var error in r.Errors)
        {
            s.AppendLine("   ! " + error);
        }
        return s.ToString();
    }

    public static string Markdown(IReadOnlyList<LoadResult> results)
    {
        var s = new StringBuilder();
        foreach (var server in results.GroupBy(r => r.ServerName))
        {
            s.AppendLine(Invariant($"### {(server.Key.Length > 0 ? server.Key : "server")}"));
            s.AppendLine();
            s.AppendLine("| workload | players | held, no stall | delivered Mbit/s | server CPU | CPU s per GB | latency p50 / p99 ms | first frame p50 / p99 ms | RSS before players | RSS per player | RTP lost |");
            s.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in server)
            {
                var cpu = r.Server is { } f ? Invariant($"{f.CpuPercent:0}%") : "-";
                var perGb = r.Server?.CpuSecondsPerGB is { } g ? Invariant($"{g:0.00}") : "-";
                var rss = r.Server is { } m ? Invariant($"{m.RssBeforePlayersKiB / 1024.0:0} MiB") : "-";
                var perPlayer = r.Server?.RssPerPlayerKiB is { } k ? Invariant($"{k:0.0} KiB") : "-";
                var latency = r.Latency.Count > 0 ? Invariant($"{Num(r.Latency.P50)} / {Num(r.Latency.P99)}") : "-";
                var ttff = r.TimeToFirstFrame.Count > 0 ? Invariant($"{Num(r.TimeToFirstFrame.P50)} / {Num(r.TimeToFirstFrame.P99)}") : "-";
                var held = r.Publishers > 0 ? Invariant($"{r.PlayersHeld}") : "(idle)";
                var lost = r.Rtp is { } rtp ? Invariant($"{rtp.LossPercent:0.###}%") : "-";
                s.AppendLine(Invariant($"| {r.Label} | {r.Players} | {held} | {r.DeliveredMbps:0.0} | {cpu} | {perGb} | {latency} | {ttff} | {rss} | {perPlayer} | {lost} |"));
            }
            var clean = server.Where(r => r.Publishers > 0 && r.Clean).Select(r => r.Players).DefaultIfEmpty(0).Max();
            s.AppendLine();
            s.AppendLine(Invariant($"Most players held with no stall, drop or failure in one run: {clean}."));
            s.AppendLine();
        }
        return s.ToString();
    }

    private static string Name(LoadResult r) => string.Join(" ", new[] { r.ServerName, r.Label }.Where(x => x.Length > 0)) is { Length: > 0 } name ? name : r.Url;

    private static string Num(double? value) => value is { } v ? v.ToString(v >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
