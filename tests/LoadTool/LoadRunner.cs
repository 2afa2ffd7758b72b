using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.LoadTool.Rtc;

namespace OrleansLive.LoadTool;

/// <summary>
/// Runs one load: publishers first, then players at the ramp rate, then a measurement window of
/// <see cref="LoadOptions.DurationSeconds"/> once every player has started, sampled every second.
/// </summary>
public sealed class LoadRunner
{
    private readonly LoadOptions _options;
    private readonly TextWriter _log;
    private readonly PlayerContext _context;
    private readonly List<Publisher> _publishers = [];
    private readonly List<LoadPlayer> _players = [];
    private readonly List<SecondSample> _seconds = [];
    private SrtCallerLoop? _srt;
    private IPEndPoint? _srtRemote;
    private WhepClients? _whep;
    private HttpClient? _llhls;

    public LoadRunner(LoadOptions options, TextWriter? log = null)
    {
        _options = options;
        _log = log ?? TextWriter.Null;
        _context = new PlayerContext(options);
    }

    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        if (_options.SrtPublish || _options.SrtPlayers > 0)
        {
            var srt = _options.SrtBase;
            _srtRemote = (IPEndPoint)await ResolveAsync(srt.Host, srt.Port, cancellationToken);
            _srt = new SrtCallerLoop(_options.SrtLatencyMs, _options.ConnectTimeoutSeconds * 1000);
        }
        if (_options.WhepPlayers > 0)
        {
            _whep = new WhepClients(_options);
        }
        if (_options.LlHlsPlayers > 0)
        {
            // Each held blocking reload needs its own connection: no cap per server.
            _llhls = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })
            {
                Timeout = TimeSpan.FromSeconds(30),
            };
        }
        try
        {
            return await RunLoadAsync(cancellationToken);
        }
        finally
        {
            _srt?.Dispose();
            _whep?.Dispose();
            _llhls?.Dispose();
        }
    }

    private async Task<LoadResult> RunLoadAsync(CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var errors = new List<string>();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var publisherTasks = new List<Task>();
        if (_options.Publish)
        {
            for (var i = 0; i < _options.Publishers; i++)
            {
                IFrameSource source = _options.File is { } file ? new FlvFileSource(file) : new SyntheticSource(_options.BitsPerSecond, _options.GopSeconds);
                Publisher publisher = _options.SrtPublish
                    ? new SrtPublisher(_options.SrtBase, _srtRemote!, _options.SrtStreamIdFor(i, SrtMode.Publish), _srt!, source)
                    : new RtmpPublisher(_options.RtmpUrlFor(i), source);
                _publishers.Add(publisher);
                publisherTasks.Add(Task.Run(() => publisher.RunAsync(run.Token), CancellationToken.None));
            }
            try
            {
                await Task.WhenAll(_publishers.Select(p => p.Ready)).WaitAsync(TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds), cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Reported below with each publisher's error.
            }
            foreach (var failed in _publishers.Where(p => p.Error is not null || !p.Started))
            {
                errors.Add($"publisher {failed.Target}: {failed.Error ?? "did not start in time (stuck in " + failed.Stage + ")"}");
            }
            _log.WriteLine($"{_publishers.Count(p => p.Started)}/{_publishers.Count} publishers up; {DescribeSource()}");
            await Task.Delay(TimeSpan.FromSeconds(_options.WarmupSeconds), cancellationToken);
        }

        var before = ProcessSampler.Take(_options.ServerPids);
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleEverySecondAsync(clock, sampling.Token);

        var playerTasks = await RampAsync(run.Token);
        var rampDeadline = TimeSpan.FromSeconds(_options.ConnectTimeoutSeconds) + clock.Elapsed;
        // With a publisher, a player has started once it has frames; without one (idle players),
        // once the server accepted the play.
        while (Players().Any(p => p.State == PlayerState.Connecting || (_options.Publish && p.State == PlayerState.Playing && !p.GotFrames)) && clock.Elapsed < rampDeadline)
        {
            await Task.Delay(20, cancellationToken);
        }
        var rampSeconds = clock.Elapsed.TotalSeconds;

        // Measurement window: every player has started (or failed, or timed out starting).
        _context.Steady = true;
        var steadyStart = ProcessSampler.Take(_options.ServerPids);
        var bytesAtStart = TotalPlayerBytes();
        var framesAtStart = TotalPlayerFrames();
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(_options.DurationSeconds), cancellationToken);
        var steadySeconds = window.Elapsed.TotalSeconds;
        var bytes = TotalPlayerBytes() - bytesAtStart;
        var frames = TotalPlayerFrames() - framesAtStart;
        var steadyEnd = ProcessSampler.Take(_options.ServerPids);
        _context.Steady = false;
        var now = Stopwatch.GetTimestamp();
        foreach (var player in _players.Where(p => p.State == PlayerState.Playing))
        {
            player.FinishStallCheck(now);
        }

        // Stop: players first (so the publisher leaving is not a drop), then publishers.
        _context.Stopping = true;
        foreach (var player in _players)
        {
            player.Close();
        }
        await run.CancelAsync();
        await Task.WhenAll(playerTasks).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await Task.WhenAll(publisherTasks).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        await sampling.CancelAsync();
        await sampler;

        foreach (var group in _players.Where(p => p.Error is not null && p.State is PlayerState.Dropped or PlayerState.Failed).GroupBy(p => $"{p.Kind} {p.State}: {p.Error}").Take(10))
        {
            errors.Add($"{group.Count()} x {group.Key}");
        }
        if (TsDamage() is { } damage)
        {
            errors.Add(damage);
        }
        if (_publishers.OfType<SrtPublisher>().Sum(p => p.SendDrops) is > 0 and var drops)
        {
            errors.Add($"SRT publishers dropped {drops} messages: libsrt's send buffer was full");
        }
        return BuildResult(started, errors, rampSeconds, steadySeconds, bytes, frames, before, steadyStart, steadyEnd);
    }

    private async Task<List<Task>> RampAsync(CancellationToken cancellationToken)
    {
        var rtmpRemote = await ResolveAsync(_options.Url.Host, _options.Url.Port, cancellationToken);
        EndPoint? flvRemote = null, tsRemote = null;
        if (_options.FlvPlayers > 0)
        {
            var flv = _options.FlvUrlFor(0);
            flvRemote = await ResolveAsync(flv.Host, flv.Port, cancellationToken);
        }
        if (_options.TsPlayers > 0)
        {
            var ts = _options.TsUrlFor(0);
            tsRemote = await ResolveAsync(ts.Host, ts.Port, cancellationToken);
        }
        var slots = new SemaphoreSlim(_options.ConnectConcurrency);
        var tasks = new List<Task>();
        int[] wanted = [_options.RtmpPlayers, _options.FlvPlayers, _options.TsPlayers, _options.SrtPlayers, _options.WhepPlayers, _options.LlHlsPlayers];
        var started = new int[wanted.Length];
        var total = wanted.Sum();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            // Interleave the kinds so all see the same conditions: next is the kind least far along.
            var kind = Enumerable.Range(0, wanted.Length).Where(k => started[k] < wanted[k]).MinBy(k => started[k] / (double)wanted[k]);
            var n = started[kind]++;
            LoadPlayer player = kind switch
            {
                0 => new RtmpPlayer(i, _options.RtmpUrlFor(n), rtmpRemote, _context),
                1 => new HttpFlvPlayer(i, _options.FlvUrlFor(n), flvRemote!, _context),
                2 => new HttpTsPlayer(i, _options.TsUrlFor(n), tsRemote!, _context),
                3 => new SrtPlayer(i, _options.StreamName(n), _srtRemote!, _options.SrtStreamIdFor(n, SrtMode.Play), _srt!, _context),
                4 => new WhepPlayer(i, _options.StreamName(n), _options.WhepUrlFor(n), _whep!, _context),
                _ => new LowLatencyHlsPlayer(i, _options.LlHlsUrlFor(n), _llhls!, _context),
            };
            lock (_players)
            {
                _players.Add(player);
            }
            tasks.Add(player.RunAsync(slots, cancellationToken));
            var due = TimeSpan.FromSeconds((i + 1) / (double)_options.RampRate);
            if (due - clock.Elapsed > TimeSpan.FromMilliseconds(5))
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }
        }
        return tasks;
    }

    private static async Task<EndPoint> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
        return new IPEndPoint(addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0], port);
    }

    private LoadPlayer[] Players()
    {
        lock (_players)
        {
            return [.. _players];
        }
    }

    /// <summary>What the HTTP-TS and SRT players' demuxers found wrong, summed, or null when nothing.</summary>
    private string? TsDamage()
    {
        var players = Players();
        var counters = players.OfType<HttpTsPlayer>().Select(p => p.Counters).Concat(players.OfType<SrtPlayer>().Select(p => p.Counters)).ToList();
        var continuity = counters.Sum(c => c.ContinuityErrors);
        var sync = counters.Sum(c => c.SyncLosses);
        var crc = counters.Sum(c => c.CrcErrors);
        var pes = counters.Sum(c => c.DroppedPes + c.CorruptPes);
        var damaged = counters.Count(c => c.ContinuityErrors + c.SyncLosses + c.CrcErrors + c.DroppedPes + c.CorruptPes > 0);
        return damaged == 0 ? null
            : $"{damaged} ts/srt players saw damaged TS: {continuity} continuity errors (frames skipped or lost), {sync} sync losses, {crc} CRC errors, {pes} PES dropped or corrupt";
    }

    private long TotalPlayerBytes() => Players().Sum(p => Volatile.Read(ref p.BytesReceived));

    private long TotalPlayerFrames() => Players().Sum(p => Volatile.Read(ref p.VideoFrames) + Volatile.Read(ref p.AudioFrames));

    private async Task SampleEverySecondAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long lastBytes = 0, lastFrames = 0;
        var lastTime = 0.0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var players = Players();
                var now = Stopwatch.GetTimestamp();
                var time = clock.Elapsed.TotalSeconds;
                long bytes = 0, frames = 0;
                int rtmp = 0, flv = 0, ts = 0, srt = 0, whep = 0, llhls = 0, stalled = 0, dropped = 0, failed = 0;
                foreach (var p in players)
                {
                    bytes += Volatile.Read(ref p.BytesReceived);
                    frames += Volatile.Read(ref p.VideoFrames) + Volatile.Read(ref p.AudioFrames);
                    switch (p.State)
                    {
                        case PlayerState.Playing:
                            switch (p)
                            {
                                case RtmpPlayer:
                                    rtmp++;
                                    break;
                                case HttpTsPlayer:
                                    ts++;
                                    break;
                                case SrtPlayer:
                                    srt++;
                                    break;
                                case WhepPlayer:
                                    whep++;
                                    break;
                                case LowLatencyHlsPlayer:
                                    llhls++;
                                    break;
                                default:
                                    flv++;
                                    break;
                            }
                            var last = p.LastMediaTicks;
                            if (last != 0 && now - last > _context.StallTicks)
                            {
                                stalled++;
                            }
                            break;
                        case PlayerState.Dropped:
                            dropped++;
                            break;
                        case PlayerState.Failed:
                            failed++;
                            break;
                    }
                }
                var interval = _context.SwapInterval();
                var span = Math.Max(0.001, time - lastTime);
                var sample = new SecondSample(
                    Math.Round(time, 1), rtmp, flv, ts, srt, whep, _publishers.Count(p => p.Started && p.Error is null),
                    Math.Round((bytes - lastBytes) * 8 / span / 1e6, 2), (long)((frames - lastFrames) / span),
                    stalled, dropped, failed, interval.PercentileMs(50), interval.PercentileMs(99));
                (lastBytes, lastFrames, lastTime) = (bytes, frames, time);
                _seconds.Add(sample);
                if (!_options.Quiet)
                {
                    _log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"t={sample.T,5:0.0}s  rtmp {rtmp}/{_options.RtmpPlayers}  flv {flv}/{_options.FlvPlayers}  ts {ts}/{_options.TsPlayers}  srt {srt}/{_options.SrtPlayers}  whep {whep}/{_options.WhepPlayers}{(_options.LlHlsPlayers > 0 ? $"  llhls {llhls}/{_options.LlHlsPlayers}" : "")}  pub {sample.PublishersUp}  {sample.Mbps,8:0.0} Mbit/s  {sample.FramesPerSecond,7} frames/s  stalled {stalled}  dropped {dropped}  failed {failed}  latency p50 {Ms(sample.LatencyP50Ms)} p99 {Ms(sample.LatencyP99Ms)}"));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Ms(double? value) => value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + " ms" : "-";

    private string DescribeSource()
    {
        if (_options.File is { } file)
        {
            return $"publishing {Path.GetFileName(file)} in a loop";
        }
        var probe = new SyntheticSource(_options.BitsPerSecond, _options.GopSeconds);
        return $"synthetic {_options.BitsPerSecond / 1000} kbit/s: 25 fps, GOP {_options.GopSeconds:0.#} s, keyframe {probe.KeyframeBytes} B, interframe {probe.InterframeBytes} B, AAC {probe.AudioFrameBytes} B";
    }

    /// <summary>The WHEP players' RTP totals, or null without any.</summary>
    private static RtpTotals? RtpFigures(LoadPlayer[] players)
    {
        var whep = players.OfType<WhepPlayer>().ToList();
        if (whep.Count == 0)
        {
            return null;
        }
        var packets = whep.Sum(p => p.RtpPackets);
        var lost = whep.Sum(p => p.LostPackets);
        return new RtpTotals(
            whep.Count,
            whep.Count(p => p.MediaConnected),
            packets,
            lost,
            packets + lost > 0 ? Math.Round(lost * 100.0 / (packets + lost), 3) : 0,
            whep.Count(p => p.LostPackets > 0),
            whep.Sum(p => p.RtcpPackets),
            whep.Sum(p => p.UnprotectFailures));
    }

    private LoadResult BuildResult(DateTime started, List<string> errors, double rampSeconds, double steadySeconds, long bytes, long frames,
        ProcessSampler.Sample? before, ProcessSampler.Sample? steadyStart, ProcessSampler.Sample? steadyEnd)
    {
        var players = Players();
        static bool Held(LoadPlayer p) => p.GotFrames && p.Stalls == 0 && p.State is PlayerState.Closed;
        var kinds = players.GroupBy(p => p.Kind).Select(g => new PlayerTotals(
            g.Key, g.Count(), g.Count(p => p.GotFrames), g.Count(Held), g.Count(p => p.Stalls > 0),
            g.Count(p => p.State == PlayerState.Dropped), g.Count(p => p.State == PlayerState.Failed),
            g.Sum(p => p.VideoFrames), g.Sum(p => p.AudioFrames), g.Sum(p => p.BytesReceived))).ToList();
        ServerFigures? server = null;
        if (before is not null && steadyStart is not null && steadyEnd is not null)
        {
            var cpu = steadyEnd.CpuSeconds - steadyStart.CpuSeconds;
            var count = players.Count(p => p.State != PlayerState.Failed);
            server = new ServerFigures(
                _options.ServerPids,
                Math.Round(cpu, 2),
                bytes > 0 ? Math.Round(cpu / (bytes / 1e9), 3) : null,
                Math.Round(cpu / steadySeconds * 100, 1),
                before.RssKiB,
                steadyEnd.RssKiB,
                count > 0 ? Math.Round((steadyEnd.RssKiB - before.RssKiB) / (double)count, 1) : null);
        }
        var gaps = players.Where(p => p.GotFrames).Select(p => p.MaxGapTicks).DefaultIfEmpty(0).Max();
        return new LoadResult(
            _options.Label,
            _options.ServerName,
            _options.Url.ToString(),
            started,
            _options.Publish ? _options.Publishers : 0,
            _publishers.Count(p => p.Started),
            _options.BitsPerSecond,
            _options.RtmpPlayers,
            _options.FlvPlayers,
            _options.TsPlayers,
            _options.SrtPlayers,
            _options.WhepPlayers,
            players.Count(p => p.GotFrames),
            players.Count(Held),
            players.Count(p => p.Stalls > 0),
            players.Sum(p => p.Stalls),
            players.Count(p => p.State == PlayerState.Dropped),
            players.Count(p => p.State == PlayerState.Failed),
            Math.Round(rampSeconds, 2),
            Math.Round(steadySeconds, 2),
            bytes,
            Math.Round(bytes * 8 / steadySeconds / 1e6, 2),
            Math.Round(frames / steadySeconds, 1),
            players.Any(p => p.GotFrames) ? Math.Round(gaps * 1000.0 / Stopwatch.Frequency, 1) : null,
            Math.Round(_publishers.Select(p => p.MaxLateMs).DefaultIfEmpty(0).Max(), 1),
            _context.LatencySteady.Summarize(),
            _context.LatencyAll.Summarize(),
            _context.TimeToFirstFrame.Summarize(),
            server,
            kinds,
            errors,
            _seconds,
            RtpFigures(players),
            _options.LlHlsPlayers);
    }
}
