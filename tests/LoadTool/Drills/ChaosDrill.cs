using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansLive.LoadTool.Drills;

/// <summary>What one event of a chaos run did to the cluster and its clients.</summary>
/// <param name="RestartSeconds">From the kill until the restarted process served again (null: it did not).</param>
/// <param name="ListedAgainSeconds">From the kill until the API listed every stream as published again (those
/// that were published on the killed gateway: by their new gateway), for good (0: it never stopped; null:
/// not within the event).</param>
/// <param name="LeasesMoved">Streams whose publisher was on the killed gateway.</param>
/// <param name="LeaseReleasedSeconds">From the kill until the API no longer showed the dead gateway's lease (worst stream).</param>
/// <param name="LeaseReacquiredSeconds">From the kill until the publisher held the lease again on another gateway (worst stream).</param>
/// <param name="OnTarget">Viewers playing from the killed gateway: they must lose media and reconnect.</param>
/// <param name="ViaTarget">Viewers on other gateways playing a stream published on the killed gateway: they
/// lose media until the publisher has moved.</param>
/// <param name="Others">Every other viewer playing at the kill: they must not lose media (a viewer that
/// left and came back meanwhile to a stream of the killed gateway may lose that stream's media).</param>
/// <param name="EndedSessions">Session records that had ended before the kill, checked after it.</param>
/// <param name="SessionsLost">Of those, records the API no longer had (null: no silo answered).</param>
public sealed record ChaosEvent(
    int Index,
    string Target,
    double AtSeconds,
    double? RestartSeconds,
    double? ListedAgainSeconds,
    int LeasesMoved,
    double? LeaseReleasedSeconds,
    double? LeaseReacquiredSeconds,
    ViewerGroup OnTarget,
    ViewerGroup ViaTarget,
    ViewerGroup Others,
    int EndedSessions,
    int? SessionsLost,
    IReadOnlyList<string> Notes);

/// <summary>Viewers of one kind at an event: how many played, lost media, had it back by the event's end,
/// and the longest stretch without media.</summary>
public sealed record ViewerGroup(int Viewers, int Lost, int Recovered, double? LongestLossSeconds, IReadOnlyList<string> Causes);

public sealed record ChaosResult(
    ChaosOptions Options,
    DateTime StartedUtc,
    IReadOnlyList<ChaosEvent> Events,
    IReadOnlyList<PlayerRecord> Players,
    int SessionsSeen,
    IReadOnlyList<string> Errors)
{
    public IReadOnlyList<DrillCheck> Checks { get; init; } = [];

    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
}

/// <summary>
/// The chaos run (issue 15): <see cref="ChaosCluster"/> with publishers on the first two gateways
/// (each moving to the other when its gateway dies) and churning RTMP/HTTP-FLV viewers on every
/// gateway (each reconnecting, to the next gateway if its own refuses). Every interval one event:
/// kill -9 of a silo or gateway and its restart after the downtime, or a redis-server restart. Each
/// event is measured until the next: how long the API took to list every stream again, leases
/// released and re-acquired, who lost media, and whether the session records that had ended before
/// the kill are all still there.
/// </summary>
public sealed class ChaosDrill
{
    private const string App = "live";
    private static readonly TimeSpan PollPeriod = TimeSpan.FromMilliseconds(500);

    private readonly ChaosOptions _options;
    private readonly TextWriter _log;
    private readonly ConcurrentDictionary<int, (int Gateway, string Stream)> _viewerAt = new();
    private readonly Stopwatch _clock = new();
    private readonly long _stallTicks;

    public ChaosDrill(ChaosOptions options, TextWriter? log = null)
    {
        _options = options;
        _log = log ?? TextWriter.Null;
        _stallTicks = options.StallMilliseconds * Stopwatch.Frequency / 1000;
    }

    public async Task<ChaosResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = DateTime.UtcNow;
        var dir = Path.GetFullPath(_options.Directory);
        Directory.CreateDirectory(dir);
        var events = new List<ChaosEvent>();
        var errors = new List<string>();
        List<PlayerRecord> players = [];
        var sessionsSeen = 0;
        _clock.Start();
        await using (var cluster = new ChaosCluster(_options, dir))
        {
            Log($"starting redis-server, {_options.Silos} silos, {_options.Gateways} gateways (logs in {dir})");
            await cluster.StartAsync(cancellationToken);
            Log("cluster up");
            using var clients = new DrillClients(_options.StallMilliseconds, 20, _options.Players);
            using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var gateways = cluster.Gateways.Select(g => g.Gateway!).ToList();
            var publishers = Enumerable.Range(0, 2).SelectMany(home => Enumerable.Range(0, _options.PublishersPerGateway).Select(i =>
                new FailoverPublisher(clients, gateways.Take(2).ToList(), home, App, $"chaos-{(char)('a' + home)}{i}", _options.BitsPerSecond))).ToList();
            var publishing = publishers.Select(p => Task.Run(() => p.RunAsync(run.Token), CancellationToken.None)).ToList();
            await UntilAsync(async () => AllListed(await ListedAsync(cluster, publishers, run.Token), publishers), ChaosCluster.ReadyDeadline, "every stream listed", run.Token);
            Log($"{publishers.Count} streams published on {gateways[0].Name} and {gateways[1].Name}");

            var ledger = new SessionLedger(cluster);
            var ledgerTask = ledger.RunAsync(run.Token);
            var crowd = Crowd(clients, gateways, publishers);
            crowd.Start();
            // Warm-up: every viewer is playing, and some sessions have ended (their records are what the
            // events must not lose).
            await UntilAsync(() => Task.FromResult(crowd.Current().All(p => p is { State: PlayerState.Playing, GotFrames: true })
                && ledger.EndedBefore(Stopwatch.GetTimestamp()).Count >= Math.Min(5, _options.Players)),
                TimeSpan.FromSeconds(_options.MaxPlaySeconds) + ChaosCluster.ReadyDeadline, "every viewer playing and ended sessions recorded", run.Token);
            Log($"{_options.Players} viewers playing, {ledger.EndedBefore(Stopwatch.GetTimestamp()).Count} ended sessions recorded");

            var schedule = _options.Schedule();
            for (var i = 0; i < schedule.Count; i++)
            {
                var e = await EventAsync(i, schedule[i], cluster, publishers, crowd, ledger, run.Token);
                events.Add(e);
                Log(Describe(e));
            }

            await crowd.StopAsync();
            players = [.. crowd.Ended];
            sessionsSeen = ledger.Seen;
            await run.CancelAsync();
            await Task.WhenAll(publishing).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
            await ledgerTask;
            errors.AddRange(cluster.Silos.Concat(cluster.Gateways).Where(n => !n.Running).Select(n => $"{n.Name} not running at the end"));
        }
        var result = new ChaosResult(_options, started, events, players, sessionsSeen, errors);
        result = result with { Checks = Evaluate(result) };
        await File.WriteAllTextAsync(Path.Combine(dir, "chaos.json"), JsonSerializer.Serialize(result, DrillJson.Options), CancellationToken.None);
        return result;
    }

    public static List<DrillCheck> Evaluate(ChaosResult run)
    {
        var e = run.Events;
        static string F(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) + " s" : "never";
        var checks = new List<DrillCheck>
        {
            new("processes-restarted", e.All(x => x.RestartSeconds is not null) && run.Errors.Count == 0,
                $"restarts ready after {string.Join(", ", e.Select(x => F(x.RestartSeconds)))}" + string.Concat(run.Errors.Select(x => "; " + x))),
            new("streams-listed-again", e.All(x => x.ListedAgainSeconds is not null),
                $"every stream listed again after {string.Join(", ", e.Select(x => $"{x.Target} {F(x.ListedAgainSeconds)}"))}"),
            new("leases-moved", e.All(x => x.LeasesMoved == 0 || x.LeaseReacquiredSeconds is not null),
                string.Join(", ", e.Where(x => x.LeasesMoved > 0).Select(x => $"{x.Target}: {x.LeasesMoved} released by {F(x.LeaseReleasedSeconds)}, re-acquired by {F(x.LeaseReacquiredSeconds)}")) is { Length: > 0 } moved ? moved : "no publisher's gateway was killed"),
            new("killed-gateway-viewers-reconnected", e.All(x => x.OnTarget.Recovered == x.OnTarget.Viewers),
                string.Join(", ", e.Where(x => x.OnTarget.Viewers > 0).Select(x => $"{x.Target}: {x.OnTarget.Recovered}/{x.OnTarget.Viewers} back, longest {F(x.OnTarget.LongestLossSeconds)}")) is { Length: > 0 } back ? back : "no viewer was on a killed gateway"),
            new("others-kept-media", e.All(x => x.Others.Lost == 0),
                $"{e.Sum(x => x.Others.Lost)} of {e.Sum(x => x.Others.Viewers)} viewers lost media where they should not" + string.Concat(e.Where(x => x.Others.Lost > 0).Select(x => $"; {x.Target}: {x.Others.Lost} ({string.Join(", ", x.Others.Causes)}), longest {F(x.Others.LongestLossSeconds)}"))),
            new("session-records-kept", e.All(x => x.SessionsLost == 0),
                $"{e.Sum(x => x.SessionsLost ?? 0)} lost of {string.Join(", ", e.Select(x => x.EndedSessions))} ended records checked after each event" + (e.Any(x => x.SessionsLost is null) ? "; some checks got no answer" : "")),
        };
        return checks;
    }

    public static string Report(ChaosResult run)
    {
        var text = new StringBuilder();
        var o = run.Options;
        text.AppendLine(CultureInfo.InvariantCulture, $"chaos {run.StartedUtc:yyyy-MM-dd HH:mm} UTC: {o.Silos} silos, {o.Gateways} gateways, {2 * o.PublishersPerGateway} publishers, {o.Players} viewers, {run.Events.Count} events every {o.IntervalSeconds:0} s, downtime {o.DowntimeSeconds:0} s, lease timeout {o.LeaseTimeoutSeconds:0} s, lost media = gap over {o.StallMilliseconds} ms");
        foreach (var e in run.Events)
        {
            text.AppendLine("  " + Describe(e));
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"  players: {run.Players.Count} played, {run.SessionsSeen} sessions seen in the API");
        foreach (var check in run.Checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  [{(check.Passed ? "pass" : "FAIL")}] {check.Name}: {check.Detail}");
        }
        text.AppendLine(run.Passed ? "chaos passed" : "chaos FAILED");
        return text.ToString();
    }

    public static string Describe(ChaosEvent e)
    {
        static string F(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) : "-";
        static string G(ViewerGroup g) => $"{g.Lost}/{g.Viewers} lost, {g.Recovered} back, longest {F(g.LongestLossSeconds)} s";
        return $"#{e.Index} t={e.AtSeconds:0}s {e.Target}: restarted {F(e.RestartSeconds)} s, listed again {F(e.ListedAgainSeconds)} s, leases {e.LeasesMoved} (released {F(e.LeaseReleasedSeconds)} s, re-acquired {F(e.LeaseReacquiredSeconds)} s); on it {G(e.OnTarget)}; via it {G(e.ViaTarget)}; others {G(e.Others)}; sessions lost {e.SessionsLost?.ToString(CultureInfo.InvariantCulture) ?? "?"}/{e.EndedSessions}"
            + string.Concat(e.Notes.Select(n => "; " + n));
    }

    private ChurnCrowd Crowd(DrillClients clients, IReadOnlyList<GatewayPorts> gateways, IReadOnlyList<FailoverPublisher> publishers)
    {
        var total = _options.Mix.Sum(m => m.Weight);
        var random = new Random(_options.Seed);
        return new ChurnCrowd((viewer, failures) =>
        {
            // A viewer's home gateway; after a failure it tries the next one, as a client of a load balancer would.
            var gateway = (viewer + failures) % gateways.Count;
            string stream;
            string kind;
            lock (random)
            {
                stream = publishers[random.Next(publishers.Count)].Stream;
                var pick = random.NextDouble() * total;
                kind = _options.Mix.First(m => (pick -= m.Weight) < 0 || m == _options.Mix[^1]).Kind;
            }
            _viewerAt[viewer] = (gateway, stream);
            return clients.Player(kind, gateways[gateway], App, stream);
        }, _options.Players, TimeSpan.FromSeconds(_options.MinPlaySeconds), TimeSpan.FromSeconds(_options.MaxPlaySeconds),
            rampPerSecond: 10, connectConcurrency: 20, _options.Seed);
    }

    private async Task<ChaosEvent> EventAsync(int index, string target, ChaosCluster cluster, IReadOnlyList<FailoverPublisher> publishers,
        ChurnCrowd crowd, SessionLedger ledger, CancellationToken cancellationToken)
    {
        var node = cluster.Node(target);
        var interval = TimeSpan.FromSeconds(_options.IntervalSeconds);
        var kill = Stopwatch.GetTimestamp();
        var at = _clock.Elapsed.TotalSeconds;
        var windowEnd = kill + (long)((interval - TimeSpan.FromSeconds(2)).TotalSeconds * Stopwatch.Frequency);
        var notes = new List<string>();

        // Who plays what where, and who publishes where, at the kill.
        var current = crowd.Current();
        var playing = Enumerable.Range(0, current.Length).Where(v => current[v] is { State: PlayerState.Playing, GotFrames: true }).ToDictionary(v => v, v => _viewerAt[v]);
        var publishedOn = publishers.ToDictionary(p => p.Stream, p => p.Current?.Name);
        var killedGateway = node.Role == "gateway" ? node.Name : null;
        var moved = publishers.Where(p => killedGateway is not null && publishedOn[p.Stream] == killedGateway).Select(p => p.Stream).ToHashSet();
        var endedBefore = ledger.EndedBefore(kill);

        var poll = PollStreamsAsync(cluster, publishers, killedGateway, moved, kill, windowEnd, cancellationToken);

        await cluster.StopAsync(node);
        double? restart = null;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(_options.DowntimeSeconds), cancellationToken);
            await cluster.StartAsync(node, cancellationToken);
            restart = Seconds(kill, Stopwatch.GetTimestamp());
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            notes.Add($"restart failed: {ex.Message}");
        }
        var (listedAgain, released, reacquired) = await poll;

        // Media: losses that overlap the event, per viewer, in the three groups.
        var losses = crowd.Losses(Stopwatch.GetTimestamp(), _stallTicks)
            .Where(l => l.Loss.To >= kill && l.Loss.From <= windowEnd).ToList();
        // A viewer's later player may play another stream: a loss on a stream of the killed gateway is that
        // stream's, expected, whatever the viewer played at the kill.
        ViewerGroup Group(Func<int, bool> member, bool expectedLossesApart = false)
        {
            var viewers = playing.Keys.Where(member).ToList();
            var lost = losses.Where(l => viewers.Contains(l.Viewer) && !(expectedLossesApart && moved.Contains(l.Loss.Stream))).ToList();
            var lostViewers = lost.Select(l => l.Viewer).Distinct().ToList();
            var stillOut = lost.Where(l => l.Loss.Open).Select(l => l.Viewer).ToHashSet();
            return new ViewerGroup(viewers.Count, lostViewers.Count, viewers.Count - stillOut.Count,
                lost.Count > 0 ? Math.Round(lost.Max(l => Seconds(l.Loss.From, l.Loss.Open ? Stopwatch.GetTimestamp() : l.Loss.To)), 1) : null,
                [.. lost.GroupBy(l => l.Loss.Cause).Select(g => $"{g.Count()} {g.Key}")]);
        }
        bool OnTarget(int v) => killedGateway is not null && cluster.Gateways[playing[v].Gateway].Name == killedGateway;
        bool ViaTarget(int v) => !OnTarget(v) && moved.Contains(playing[v].Stream);
        var onTarget = Group(OnTarget);
        var viaTarget = Group(ViaTarget);
        var others = Group(v => !OnTarget(v) && !ViaTarget(v), expectedLossesApart: true);

        var lostRecords = await ledger.CountLostAsync(endedBefore, cancellationToken);
        if (lostRecords is { Lost: > 0 } l)
        {
            notes.Add($"lost records: {string.Join(", ", l.Examples)}");
        }
        // The next event comes one interval after this kill.
        var rest = windowEnd + (2 * Stopwatch.Frequency) - Stopwatch.GetTimestamp();
        if (rest > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(rest / (double)Stopwatch.Frequency), cancellationToken);
        }
        return new ChaosEvent(index, target, Math.Round(at, 1), restart is { } r ? Math.Round(r, 1) : null, listedAgain, moved.Count, released, reacquired,
            onTarget, viaTarget, others, endedBefore.Count, lostRecords?.Lost, notes);
    }

    /// <summary>Polls the stream list from the kill to the end of the event: when every stream was listed
    /// as published again for good, and when each moved stream's lease left the dead gateway and was
    /// held again elsewhere (the worst stream's times; null when one never did).</summary>
    private static async Task<(double? ListedAgain, double? Released, double? Reacquired)> PollStreamsAsync(ChaosCluster cluster,
        IReadOnlyList<FailoverPublisher> publishers, string? killedGateway, HashSet<string> moved, long kill, long until, CancellationToken cancellationToken)
    {
        double? lastBad = null, goodSince = null;
        var released = new Dictionary<string, double>();
        var reacquired = new Dictionary<string, double>();
        while (Stopwatch.GetTimestamp() < until - (3 * Stopwatch.Frequency))
        {
            var t = Seconds(kill, Stopwatch.GetTimestamp());
            Dictionary<string, (bool Active, string? Gateway)>? listed = null;
            try
            {
                listed = await ListedAsync(cluster, publishers, cancellationToken);
            }
            catch (IOException)
            {
                // No silo answered: the streams are not listed.
            }
            // A stream whose publisher was on the killed gateway is listed again once its new publish is.
            var ok = listed is not null && AllListed(listed, publishers) && moved.All(m => listed[m].Gateway != killedGateway);
            if (!ok)
            {
                lastBad = t;
                goodSince = null;
            }
            else
            {
                goodSince ??= t;
            }
            foreach (var stream in moved)
            {
                if (listed is null)
                {
                    continue;
                }
                var found = listed.TryGetValue(stream, out var s);
                if (!released.ContainsKey(stream) && (!found || !s.Active || s.Gateway != killedGateway))
                {
                    released[stream] = t;
                }
                if (!reacquired.ContainsKey(stream) && found && s.Active && s.Gateway != killedGateway)
                {
                    reacquired[stream] = t;
                }
            }
            await Task.Delay(PollPeriod, cancellationToken);
        }
        static double? Worst(Dictionary<string, double> times, int count) => times.Count == count && count > 0 ? Math.Round(times.Values.Max(), 1) : null;
        return (lastBad is null ? 0 : goodSince is { } g ? Math.Round(g, 1) : null, Worst(released, moved.Count), Worst(reacquired, moved.Count));
    }

    /// <summary>The drill's streams as the API lists them: published or not, and the publisher's gateway.</summary>
    private static async Task<Dictionary<string, (bool Active, string? Gateway)>> ListedAsync(ChaosCluster cluster, IReadOnlyList<FailoverPublisher> publishers, CancellationToken cancellationToken)
    {
        var json = await cluster.GetJsonAsync("api/v1/streams?count=10000", cancellationToken);
        var ours = publishers.Select(p => p.Stream).ToHashSet(StringComparer.Ordinal);
        var listed = new Dictionary<string, (bool, string?)>(StringComparer.Ordinal);
        if (json.TryGetProperty("streams", out var streams))
        {
            foreach (var s in streams.EnumerateArray())
            {
                var name = s.GetProperty("name").GetString()!;
                if (s.GetProperty("app").GetString() == App && ours.Contains(name))
                {
                    var active = s.GetProperty("publish").GetProperty("active").GetBoolean();
                    var gateway = s.TryGetProperty("gateway", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
                    listed[name] = (active, gateway);
                }
            }
        }
        return listed;
    }

    private static bool AllListed(Dictionary<string, (bool Active, string? Gateway)> listed, IReadOnlyList<FailoverPublisher> publishers) =>
        publishers.All(p => listed.TryGetValue(p.Stream, out var s) && s.Active);

    private static double Seconds(long from, long to) => (to - from) / (double)Stopwatch.Frequency;

    private void Log(string line) => _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed.TotalSeconds,6:0}s] {line}"));

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (IOException ex)
            {
                last = ex;
            }
            await Task.Delay(250, cancellationToken);
        }
        throw new TimeoutException($"timed out after {deadline.TotalSeconds} s waiting for {what}", last);
    }
}
