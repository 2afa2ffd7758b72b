using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrleansLive.LoadTool.Drills;

/// <summary>One stall a player saw: when (seconds since the server was ready), how long, on which stream
/// and protocol, and whether the stream's publisher (in the load tool) sent late meanwhile, which makes
/// the gap the tool's own, not the server's.</summary>
public sealed record StallRecord(double AtSeconds, double GapSeconds, string Stream, string Kind, bool ToolStarved);

/// <summary>Everything one soak recorded, and its verdict.</summary>
public sealed record SoakResult(
    SoakOptions Options,
    DateTime StartedUtc,
    IReadOnlyList<SoakSample> Samples,
    IReadOnlyList<Return> Returns,
    IReadOnlyList<DvrProbe> Dvr,
    IReadOnlyList<PlayerRecord> Players,
    IReadOnlyList<string> PublisherErrors,
    double PublisherMaxLateMs,
    string? ServerExit,
    IReadOnlyList<string> ServerErrors,
    IReadOnlyList<StallRecord> Stalls)
{
    public IReadOnlyList<DrillCheck> Checks { get; init; } = [];

    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
}

/// <summary>
/// The soak (issue 15): the all-in-one server as its own process with HLS (MPEG-TS, 2 s fragments)
/// and DVR (fMP4 segments) on the default vhost, RTMP and SRT publishers, and a crowd of viewers who
/// play a random stream for a random time and leave (RTMP, HTTP-FLV, HTTP-TS, HLS, SRT, WHEP). Every
/// sample interval the server's RSS, threads and descriptors (/proc) and its GC heap and grain
/// activations (/metrics) go to soak.csv. At the end the viewers leave, then the publishers, and the
/// drill waits for descriptors and activations to come back before probing every DVR file.
/// </summary>
public sealed class SoakDrill
{
    private const string App = "live";
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan ReturnDeadline = TimeSpan.FromSeconds(120);

    private readonly SoakOptions _options;
    private readonly TextWriter _log;
    private readonly List<SoakSample> _samples = [];
    private readonly Stopwatch _clock = new();
    private readonly HttpClient _api = new() { Timeout = TimeSpan.FromSeconds(20) };
    private (double Cpu, double Wall)? _lastCpu;
    private long _clockStart;
    private StreamWriter? _csv;
    private DrillProcess? _server;
    private int _apiPort;
    private string _phase = "idle";
    private ChurnCrowd? _crowd;
    private List<Publisher> _publishers = [];
    private PauseMonitor? _pauses;

    public SoakDrill(SoakOptions options, TextWriter? log = null)
    {
        _options = options;
        _log = log ?? TextWriter.Null;
    }

    public static string Stream(int index) => $"soak-{index}";

    public async Task<SoakResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = DateTime.UtcNow;
        var dir = Path.GetFullPath(_options.Directory);
        Directory.CreateDirectory(dir);
        var hls = Path.Combine(dir, "hls");
        var dvr = Path.Combine(dir, "dvr");
        var gateway = new GatewayPorts("server", FreePorts.Tcp(), FreePorts.Tcp(), FreePorts.Udp());
        _apiPort = FreePorts.Tcp();
        _csv = new StreamWriter(Path.Combine(dir, "soak.csv")) { AutoFlush = true };
        await _csv.WriteLineAsync(SoakSample.CsvHeader);
        var returns = new List<Return>();
        var publisherErrors = new List<string>();
        List<DvrProbe> probes = [];
        List<PlayerRecord> players = [];
        List<StallRecord> stalls = [];
        double maxLate = 0;
        string? serverExit = null;
        try
        {
            await using var server = _server = StartServer(gateway, dir, hls, dvr);
            await WaitReadyAsync(server, gateway, cancellationToken);
            _clock.Start();
            _clockStart = Stopwatch.GetTimestamp();
            using var pauses = _pauses = new PauseMonitor();
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = SampleLoopAsync(sampling.Token);
            var idle = await SampleNowAsync();
            var idleFds = ProcessFigures.Descriptors(server.Id);
            var idleGrains = await GrainsAsync();
            var clip = await ClipAsync(dir, cancellationToken);

            // Publishers, then their HLS playlists (HLS viewers start from them).
            _phase = "publishers";
            using var publisherClients = new DrillClients(_options.StallMilliseconds, 30, 0);
            using var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _publishers = [.. Enumerable.Range(0, _options.Publishers).Select(i =>
                publisherClients.Publisher(i < _options.RtmpPublishers ? "rtmp" : "srt", gateway, App, Stream(i), new FlvFileSource(clip)))];
            var publisherTasks = _publishers.Select(p => Task.Run(() => p.RunAsync(publishing.Token), CancellationToken.None)).ToList();
            await Task.WhenAll(_publishers.Select(p => p.Ready)).WaitAsync(ReadyDeadline, cancellationToken);
            publisherErrors.AddRange(_publishers.Where(p => p.Error is not null).Select(p => $"{p.Target}: {p.Error}"));
            await UntilAsync(() => Enumerable.Range(0, _options.Publishers).All(i => File.Exists(Path.Combine(hls, App, Stream(i) + ".m3u8"))),
                ReadyDeadline, "every stream's HLS playlist", cancellationToken);
            _log.WriteLine($"{_options.Publishers} publishers up ({_options.RtmpPublishers} RTMP, {_options.SrtPublishers} SRT); HLS playlists written");
            // The baseline once each stream has cut its first DVR file: the first cut brings the stream's
            // DVR event stream to life (its pub-sub grains), which stays for the publish.
            await UntilAsync(() => Enumerable.Range(0, _options.Publishers).All(i =>
                Directory.Exists(Path.Combine(dvr, App)) && Directory.EnumerateFiles(Path.Combine(dvr, App), Stream(i) + ".*").Count() >= 2),
                TimeSpan.FromSeconds(_options.DvrSegment * 3) + ReadyDeadline, "every stream's first DVR file", cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, _options.SampleSeconds)), cancellationToken);
            var withPublishers = await SampleNowAsync();
            var publisherFds = ProcessFigures.Descriptors(server.Id);
            var publisherGrains = await GrainsAsync();

            // The crowd churns for the run's length.
            _phase = "churn";
            using (var playerClients = new DrillClients(_options.StallMilliseconds, 30, _options.Players))
            {
                _crowd = Crowd(playerClients, gateway);
                _crowd.Start();
                await Task.Delay(TimeSpan.FromMinutes(_options.Minutes), cancellationToken);
                _phase = "leaving";
                await _crowd.StopAsync();
                players = [.. _crowd.Ended];
                stalls = Stalls(_crowd);
            }
            _log.WriteLine($"churn over: {players.Count} players played; waiting for descriptors and activations to return");
            returns.Add(await WaitReturnAsync("back-after-players", withPublishers, publisherFds, publisherGrains, cancellationToken,
                s => s.IoFds <= withPublishers.IoFds + SoakVerdict.FdTolerance && s.Grains <= withPublishers.Grains && s.ClientSessions <= withPublishers.ClientSessions));

            // Publishers leave: the DVR files close.
            _phase = "publishers-left";
            maxLate = _publishers.Max(p => p.MaxLateMs);
            var lateErrors = _publishers.Where(p => p.Error is not null).Select(p => $"{p.Target}: {p.Error}").Except(publisherErrors).ToList();
            publisherErrors.AddRange(lateErrors);
            await publishing.CancelAsync();
            await Task.WhenAll(publisherTasks).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            returns.Add(await WaitReturnAsync("fds-back-after-publishers", idle, idleFds, idleGrains, cancellationToken,
                s => s.IoFds <= idle.IoFds + SoakVerdict.FdTolerance));
            await sampling.CancelAsync();
            await sampler;
            probes = await ProbeDvrAsync(dvr, cancellationToken);
            serverExit = server.HasExited ? "during the run (see server.log)" : null;
            await server.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            _csv.Dispose();
            _api.Dispose();
        }
        var result = new SoakResult(_options, started, _samples, returns, probes, players, publisherErrors, maxLate, serverExit,
            ServerErrors(Path.Combine(dir, "server.log")), stalls);
        result = result with { Checks = SoakVerdict.Evaluate(result) };
        await File.WriteAllTextAsync(Path.Combine(dir, "soak.json"), JsonSerializer.Serialize(result, DrillJson.Options), CancellationToken.None);
        return result;
    }

    /// <summary>A Markdown summary of the run: the figures and each check.</summary>
    public static string Report(SoakResult run)
    {
        var s = run.Samples;
        var churn = s.Where(x => x.Phase == "churn").ToList();
        var text = new System.Text.StringBuilder();
        var o = run.Options;
        text.AppendLine(CultureInfo.InvariantCulture, $"soak {run.StartedUtc:yyyy-MM-dd HH:mm} UTC: {o.Minutes:0.#} min churn, {o.RtmpPublishers} RTMP + {o.SrtPublishers} SRT publishers at {o.BitsPerSecond / 1000} kbit/s, {o.Players} viewers playing {o.MinPlaySeconds:0}-{o.MaxPlaySeconds:0} s ({string.Join(", ", o.Mix.Select(m => $"{m.Kind} {m.Weight:0}"))}), HLS and DVR on");
        if (churn.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  RSS {churn.Min(x => x.RssKiB) / 1024} to {churn.Max(x => x.RssKiB) / 1024} MiB (idle {s[0].RssKiB / 1024}); GC heap {churn.Min(x => x.GcHeapBytes) / 1048576} to {churn.Max(x => x.GcHeapBytes) / 1048576} MiB; threads {churn.Min(x => x.Threads)}-{churn.Max(x => x.Threads)}; fds {churn.Min(x => x.OpenFds)}-{churn.Max(x => x.OpenFds)} ({churn.Min(x => x.IoFds)}-{churn.Max(x => x.IoFds)} not code); grains {churn.Min(x => x.Grains)}-{churn.Max(x => x.Grains)}; CPU {churn.Average(x => x.CpuPercent):0}% of a core on average");
            text.AppendLine(CultureInfo.InvariantCulture, $"  players: {run.Players.Count} played ({string.Join(", ", run.Players.GroupBy(p => p.Kind).Select(g => $"{g.Key} {g.Count()}"))}), {churn.Max(x => x.Playing)} at once at most");
        }
        foreach (var check in run.Checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  [{(check.Passed ? "pass" : "FAIL")}] {check.Name}: {check.Detail}");
        }
        text.AppendLine(run.Passed ? "soak passed" : "soak FAILED");
        return text.ToString();
    }

    private DrillProcess StartServer(GatewayPorts gateway, string dir, string hls, string dvr)
    {
        static string P(int port) => port.ToString(CultureInfo.InvariantCulture);
        const string Vhost = "--Vhosts:__defaultVhost__:";
        string[] args =
        [
            Path.GetFullPath(_options.SiloDll),
            "--Gateway:ListenAddress=127.0.0.1",
            $"--Gateway:RtmpPort={P(gateway.Rtmp)}",
            $"--Gateway:HttpPort={P(gateway.Http)}",
            $"--Gateway:SrtPort={P(gateway.Srt)}",
            $"--Gateway:RtcPort={P(FreePorts.Udp())}",
            "--Api:ListenAddress=127.0.0.1",
            $"--Api:Port={P(_apiPort)}",
            $"--Orleans:SiloPort={P(FreePorts.Tcp())}",
            $"--Orleans:GatewayPort={P(FreePorts.Tcp())}",
            Vhost + "Hls:Enabled=true",
            Vhost + "Hls:Fragment=2",
            Vhost + "Hls:Window=10",
            Vhost + "Hls:Path=" + hls,
            Vhost + "Dvr:Enabled=true",
            Vhost + "Dvr:Plan=segment",
            Vhost + "Dvr:Duration=" + _options.DvrSegment.ToString(CultureInfo.InvariantCulture),
            Vhost + "Dvr:Path=" + Path.Combine(dvr, "[app]", "[stream].[timestamp].mp4"),
        ];
        _log.WriteLine($"server: RTMP {gateway.Rtmp}, HTTP {gateway.Http}, SRT {gateway.Srt}, API {_apiPort}; log {Path.Combine(dir, "server.log")}");
        return DrillProcess.Start("server", "dotnet", args, Path.Combine(dir, "server.log"), dir);
    }

    private async Task WaitReadyAsync(DrillProcess server, GatewayPorts gateway, CancellationToken cancellationToken)
    {
        var listening = Task.WhenAll(server.SeenAsync("HTTP streams listening"), server.SeenAsync("SRT listening"), server.SeenAsync("RTMP listening"));
        if (await Task.WhenAny(listening, server.Exited, Task.Delay(ReadyDeadline, cancellationToken)) != listening)
        {
            throw new InvalidOperationException($"the server {(server.HasExited ? "exited" : $"did not start listening within {ReadyDeadline.TotalSeconds} s")} (see {server.LogPath})");
        }
        await UntilAsync(async () =>
        {
            using var response = await _api.GetAsync($"http://127.0.0.1:{_apiPort}/api/v1/versions", cancellationToken);
            return response.IsSuccessStatusCode;
        }, ReadyDeadline, "the server's API", cancellationToken);
        _log.WriteLine($"server up (pid {server.Id}) on RTMP {gateway.Rtmp}");
    }

    private ChurnCrowd Crowd(DrillClients clients, GatewayPorts gateway)
    {
        var kinds = _options.ViewerKinds();
        var random = new Random(_options.Seed);
        return new ChurnCrowd((viewer, _) =>
        {
            int stream;
            lock (random)
            {
                stream = random.Next(kinds[viewer] == "whep" ? Math.Min(_options.WhepStreams, _options.Publishers) : _options.Publishers);
            }
            return clients.Player(kinds[viewer], gateway, App, Stream(stream));
        }, _options.Players, TimeSpan.FromSeconds(_options.MinPlaySeconds), TimeSpan.FromSeconds(_options.MaxPlaySeconds),
            _options.RampPerSecond, connectConcurrency: 50, _options.Seed);
    }

    private async Task SampleLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.SampleSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await SampleNowAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Takes one sample, writes it to the CSV and returns it.</summary>
    private async Task<SoakSample> SampleNowAsync()
    {
        var process = ProcessFigures.Read(_server!.Id) ?? new ProcessFigures(0, 0, 0, 0, 0);
        MetricsScrape? metrics = null;
        try
        {
            metrics = new MetricsScrape(await _api.GetStringAsync($"http://127.0.0.1:{_apiPort}/metrics"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _log.WriteLine($"metrics scrape failed: {ex.Message}");
        }
        var wall = _clock.Elapsed.TotalSeconds;
        var cpu = _lastCpu is var (lastCpu, lastWall) && wall > lastWall ? (process.CpuSeconds - lastCpu) / (wall - lastWall) * 100 : 0;
        _lastCpu = (process.CpuSeconds, wall);
        var current = _crowd?.Current() ?? [];
        var ended = _crowd?.Ended.ToList() ?? [];
        var sample = new SoakSample(
            Math.Round(wall, 1), _phase, process.RssKiB,
            (long)(metrics?.Sum("dotnet_gc_last_collection_heap_size_bytes") ?? 0),
            (long)(metrics?.Sum("dotnet_gc_last_collection_heap_size_bytes", "gc_heap_generation=\"gen2\"") ?? 0),
            (long)(metrics?.Sum("dotnet_gc_last_collection_heap_size_bytes", "gc_heap_generation=\"loh\"") ?? 0),
            (int)(metrics?.Sum("dotnet_gc_collections_total", "gc_heap_generation=\"gen2\"") ?? 0),
            (long)(metrics?.Sum("dotnet_gc_last_collection_memory_committed_size_bytes") ?? 0),
            process.Threads, process.OpenFds, process.IoFds,
            // The embedded server's in-memory storage is itself a fixed set of grains, activated as keys
            // first hash to them: not counted.
            (int)((metrics?.Sum("orleans_grains") ?? 0) - (metrics?.Sum("orleans_grains", "grain_type=\"memorystorage\"") ?? 0)),
            (int)(metrics?.Sum("orleans_grains", "grain_type=\"clientsession\"") ?? 0),
            Math.Round(cpu, 1),
            current.Count(p => p is { State: PlayerState.Playing }),
            _publishers.Count(p => p.Started && p.Error is null),
            _crowd?.Started ?? 0,
            ended.Count,
            ended.Count(p => p.Stalls > 0) + current.Count(p => p is { Stalls: > 0 }),
            ended.Count(p => p.State == PlayerState.Dropped),
            ended.Count(p => p.State == PlayerState.Failed));
        lock (_samples)
        {
            _samples.Add(sample);
            _csv!.WriteLine(sample.ToCsv());
        }
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"t={sample.Seconds,6:0}s {sample.Phase,-15} rss {sample.RssKiB / 1024,5} MiB  heap {sample.GcHeapBytes / 1048576,4} MiB (gen2 {sample.GcGen2Bytes / 1048576,4}, loh {sample.GcLohBytes / 1048576,4}, {sample.Gen2Collections} full)  threads {sample.Threads,3}  fds {sample.OpenFds,4}/{sample.IoFds,-4}  grains {sample.Grains,5} (sessions {sample.ClientSessions,5})  cpu {sample.CpuPercent,5:0}%  playing {sample.Playing,4}  started {sample.PlayersStarted,6}  stalled {sample.PlayersStalled}  dropped {sample.PlayersDropped}  failed {sample.PlayersFailed}"));
        return sample;
    }

    /// <summary>Activations by grain type, from /metrics (empty if it did not answer).</summary>
    private async Task<Dictionary<string, int>> GrainsAsync()
    {
        try
        {
            var grains = new MetricsScrape(await _api.GetStringAsync($"http://127.0.0.1:{_apiPort}/metrics")).ByLabel("orleans_grains", "grain_type");
            grains.Remove("memorystorage");
            return grains;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return [];
        }
    }

    /// <summary>Samples every 2 s until <paramref name="back"/> holds or the deadline passes.</summary>
    private async Task<Return> WaitReturnAsync(string what, SoakSample baseline, Dictionary<string, int> fds, Dictionary<string, int> grains,
        CancellationToken cancellationToken, Func<SoakSample, bool> back)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var sample = await SampleNowAsync();
            if (back(sample) || clock.Elapsed > ReturnDeadline)
            {
                return new Return(what, baseline, sample, back(sample), Math.Round(clock.Elapsed.TotalSeconds, 1),
                    ProcessFigures.Difference(fds, ProcessFigures.Descriptors(_server!.Id)), ProcessFigures.Difference(grains, await GrainsAsync()));
            }
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }

    /// <summary>ffprobe on every DVR file: it must open, hold a video stream and last more than zero seconds.</summary>
    private async Task<List<DvrProbe>> ProbeDvrAsync(string dvr, CancellationToken cancellationToken)
    {
        var probes = new List<DvrProbe>();
        if (!Directory.Exists(dvr))
        {
            return probes;
        }
        foreach (var file in Directory.EnumerateFiles(dvr, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            probes.Add(await ProbeAsync(file, cancellationToken));
        }
        _log.WriteLine($"probed {probes.Count} DVR files: {probes.Count(p => p.Playable)} playable");
        return probes;
    }

    public static async Task<DvrProbe> ProbeAsync(string file, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-v", "error", "-show_entries", "stream=codec_type:format=duration", "-of", "json", file })
        {
            info.ArgumentList.Add(arg);
        }
        using var ffprobe = Process.Start(info)!;
        var stdout = ffprobe.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = ffprobe.StandardError.ReadToEndAsync(cancellationToken);
        await ffprobe.WaitForExitAsync(cancellationToken);
        var bytes = new FileInfo(file).Length;
        // The first lines say what is wrong; a damaged file repeats them for every frame.
        var error = string.Join(" | ", (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(3));
        if (ffprobe.ExitCode != 0)
        {
            return new DvrProbe(file, bytes, false, 0, $"ffprobe exit {ffprobe.ExitCode}: {error}");
        }
        using var json = JsonDocument.Parse(await stdout);
        var video = json.RootElement.TryGetProperty("streams", out var streams) && streams.EnumerateArray().Any(s => s.GetProperty("codec_type").GetString() == "video");
        var duration = json.RootElement.TryGetProperty("format", out var format) && format.TryGetProperty("duration", out var d)
            && double.TryParse(d.GetString(), CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;
        var playable = video && duration > 0 && error.Length == 0;
        return new DvrProbe(file, bytes, playable, duration, playable ? null : $"video {video}, duration {duration}, {error}");
    }

    /// <summary>Every stall of the run, each told whether the tool starved while the player waited (from
    /// half a second before the gap to its end): its stream's publisher sent late, or the tool's own pause
    /// monitor woke late.</summary>
    private List<StallRecord> Stalls(ChurnCrowd crowd)
    {
        var f = (double)Stopwatch.Frequency;
        var late = Enumerable.Range(0, _publishers.Count).ToDictionary(i => Stream(i), i => _publishers[i].LateEvents.ToList());
        return [.. crowd.Losses(Stopwatch.GetTimestamp(), long.MaxValue).Where(l => l.Loss.Cause == "stall").Select(l =>
        {
            var from = l.Loss.From - (Stopwatch.Frequency / 2);
            var starved = (late.TryGetValue(l.Loss.Stream, out var events) && events.Any(e => e.Ticks >= from && e.Ticks <= l.Loss.To))
                || _pauses?.PausedDuring(from, l.Loss.To) == true;
            return new StallRecord(Math.Round((l.Loss.From - _clockStart) / f, 1), Math.Round(l.Loss.Seconds, 2), l.Loss.Stream, l.Loss.Kind, starved);
        })];
    }

    /// <summary>The server's error and critical log lines, by what they say (one line per message,
    /// with its count): a soak must not make the server log an error.</summary>
    public static List<string> ServerErrors(string log)
    {
        if (!File.Exists(log))
        {
            return [];
        }
        return [.. File.ReadLines(log)
            .Select(line => (line, at: line.IndexOf(" fail: ", StringComparison.Ordinal) is var f and >= 0 ? f : line.IndexOf(" crit: ", StringComparison.Ordinal)))
            .Where(x => x.at >= 0)
            .Select(x => System.Text.RegularExpressions.Regex.Replace(x.line[(x.at + 1)..], @"client \w+|\d+", "#"))
            .Select(m => m.Length > 200 ? m[..200] : m)
            .GroupBy(m => m)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Count()} x {g.Key}")];
    }

    /// <summary>The clip every publisher sends in a loop: real H.264 (baseline, no B-frames, a keyframe
    /// every 2 s) and AAC, so DVR files and HLS segments decode and WebRTC players get real audio to
    /// convert. Made once per work directory with ffmpeg.</summary>
    private async Task<string> ClipAsync(string dir, CancellationToken cancellationToken)
    {
        var clip = Path.Combine(dir, "clip.flv");
        if (File.Exists(clip))
        {
            return clip;
        }
        // The bitrate covers both tracks: 64 kbit/s of it is audio.
        var kbps = Math.Max(100, (_options.BitsPerSecond / 1000) - 64).ToString(CultureInfo.InvariantCulture);
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            "-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "20", "-c:v", "libx264", "-preset", "veryfast",
            "-profile:v", "baseline", "-bf", "0", "-g", "50", "-b:v", kbps + "k", "-maxrate", kbps + "k", "-bufsize", kbps + "k",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "flv", clip + ".part",
        })
        {
            info.ArgumentList.Add(arg);
        }
        using var ffmpeg = Process.Start(info)!;
        var errors = ffmpeg.StandardError.ReadToEndAsync(cancellationToken);
        await ffmpeg.WaitForExitAsync(cancellationToken);
        if (ffmpeg.ExitCode != 0)
        {
            throw new InvalidOperationException($"ffmpeg could not make the clip: {await errors}");
        }
        File.Move(clip + ".part", clip);
        return clip;
    }

    private static async Task UntilAsync(Func<bool> condition, TimeSpan deadline, string what, CancellationToken cancellationToken) =>
        await UntilAsync(() => Task.FromResult(condition()), deadline, what, cancellationToken);

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
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
            {
                last = ex;
            }
            await Task.Delay(200, cancellationToken);
        }
        throw new TimeoutException($"timed out after {deadline.TotalSeconds} s waiting for {what}", last);
    }
}
