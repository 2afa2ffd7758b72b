using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansLive.LoadTool.Drills;

/// <summary>How one player of a crowd ended.</summary>
public sealed record PlayerRecord(
    int Viewer,
    string Kind,
    string Stream,
    PlayerState State,
    int Stalls,
    double MaxGapMs,
    double SecondsPlayed,
    string? Error);

/// <summary>A stretch without media for one viewer, in <see cref="Stopwatch"/> ticks: a stall while
/// playing, or from a drop (or a play that could not start) until the viewer's next player had a
/// frame again. <paramref name="Open"/>: still going on when it was read. <paramref name="Stream"/>: of the
/// player that stalled or was dropped; <paramref name="Kind"/>: of the player that stalled (empty otherwise).</summary>
public readonly record struct MediaLoss(long From, long To, string Cause, bool Open = false, string Stream = "", string Kind = "")
{
    public double Seconds => (To - From) / (double)Stopwatch.Frequency;
}

/// <summary>
/// A crowd of viewers, each a loop: a new player connects, plays for a random time between the
/// bounds, leaves, and the viewer comes back a moment later with a new player; a player the server
/// dropped (or that could not start) is replaced at once, which is a viewer reconnecting. The factory
/// chooses protocol, stream and server for each new player (from the viewer and how many of its
/// attempts in a row failed). Records every player that ended and every stretch a viewer went without
/// media, for the drills' verdicts.
/// </summary>
public sealed class ChurnCrowd
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);

    private readonly Func<int, int, LoadPlayer> _create;
    private readonly int _viewers;
    private readonly TimeSpan _minPlay;
    private readonly TimeSpan _maxPlay;
    private readonly double _rampPerSecond;
    private readonly SemaphoreSlim _connectSlots;
    private readonly Random _random;
    private readonly LoadPlayer?[] _current;
    private readonly long[] _lossFrom;
    private readonly string?[] _lossCause;
    // The stream the viewer was playing when its stretch without media began.
    private readonly string?[] _lossStream;
    private readonly ConcurrentQueue<PlayerRecord> _ended = new();
    private readonly ConcurrentQueue<(int Viewer, MediaLoss Loss)> _losses = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private int _started;

    /// <param name="create">Makes the next player of viewer N after M failed attempts in a row.</param>
    public ChurnCrowd(Func<int, int, LoadPlayer> create, int viewers, TimeSpan minPlay, TimeSpan maxPlay, double rampPerSecond, int connectConcurrency, int seed)
    {
        _create = create;
        _viewers = viewers;
        _minPlay = minPlay;
        _maxPlay = maxPlay;
        _rampPerSecond = rampPerSecond;
        _connectSlots = new SemaphoreSlim(connectConcurrency);
        _random = new Random(seed);
        _current = new LoadPlayer?[viewers];
        _lossFrom = new long[viewers];
        _lossCause = new string?[viewers];
        _lossStream = new string?[viewers];
    }

    public int Viewers => _viewers;

    /// <summary>Players started so far.</summary>
    public int Started => Volatile.Read(ref _started);

    public IReadOnlyCollection<PlayerRecord> Ended => _ended;

    /// <summary>Every viewer's players now (null while between two).</summary>
    public LoadPlayer?[] Current()
    {
        var copy = new LoadPlayer?[_viewers];
        for (var i = 0; i < _viewers; i++)
        {
            copy[i] = Volatile.Read(ref _current[i]);
        }
        return copy;
    }

    /// <summary>Stretches without media so far, with the ones still open up to <paramref name="now"/>.</summary>
    public List<(int Viewer, MediaLoss Loss)> Losses(long now, long stallTicks)
    {
        var losses = _losses.ToList();
        var current = Current();
        for (var viewer = 0; viewer < _viewers; viewer++)
        {
            var from = Volatile.Read(ref _lossFrom[viewer]);
            if (from != 0)
            {
                losses.Add((viewer, new MediaLoss(from, now, Volatile.Read(ref _lossCause[viewer]) ?? "drop", Open: true, Volatile.Read(ref _lossStream[viewer]) ?? "")));
            }
            else if (current[viewer] is { State: PlayerState.Playing, LastMediaTicks: var last and not 0 } && now - last > stallTicks)
            {
                losses.Add((viewer, new MediaLoss(last, now, "stall", Open: true, current[viewer]!.Stream, current[viewer]!.Kind)));
            }
        }
        return losses;
    }

    public void Start() => _running = Task.WhenAll(Enumerable.Range(0, _viewers).Select(v => Task.Run(() => ViewerAsync(v))));

    /// <summary>Every viewer leaves (its player closes as the viewer's own choice) and the loops end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    private double NextDouble()
    {
        lock (_random)
        {
            return _random.NextDouble();
        }
    }

    private async Task ViewerAsync(int viewer)
    {
        var stop = _stop.Token;
        try
        {
            // Viewers arrive at the ramp rate, not all at once.
            await Task.Delay(TimeSpan.FromSeconds(viewer / _rampPerSecond), stop);
            var failures = 0;
            while (!stop.IsCancellationRequested)
            {
                var player = _create(viewer, failures);
                player.StallObserved = (p, from, to) => _losses.Enqueue((viewer, new MediaLoss(from, to, "stall", Stream: p.Stream, Kind: p.Kind)));
                Volatile.Write(ref _current[viewer], player);
                Interlocked.Increment(ref _started);
                var started = Stopwatch.GetTimestamp();
                var run = player.RunAsync(_connectSlots, CancellationToken.None);
                var playFor = _minPlay + ((_maxPlay - _minPlay) * NextDouble());
                // Only a viewer coming back from a drop has a stretch without media to close.
                var gotFrames = Volatile.Read(ref _lossFrom[viewer]) != 0 ? WatchFirstFrameAsync(viewer, player, run) : Task.CompletedTask;
                try
                {
                    await Task.WhenAny(run, Task.Delay(playFor, stop));
                }
                finally
                {
                    if (!run.IsCompleted)
                    {
                        player.Leave();
                    }
                    await run;
                    await gotFrames;
                }
                var ended = Stopwatch.GetTimestamp();
                Volatile.Write(ref _current[viewer], null);
                _ended.Enqueue(new PlayerRecord(viewer, player.Kind, player.Stream, player.State, player.Stalls,
                    Math.Round(player.MaxGapTicks * 1000.0 / Stopwatch.Frequency, 1), Math.Round((ended - started) / (double)Stopwatch.Frequency, 1), player.Error));
                if (player.State is PlayerState.Dropped or PlayerState.Failed)
                {
                    // Without media from the last frame (or now) until a player of this viewer has one again.
                    var last = player.LastMediaTicks;
                    if (Volatile.Read(ref _lossFrom[viewer]) == 0)
                    {
                        Volatile.Write(ref _lossCause[viewer], player.State == PlayerState.Dropped ? "drop" : "no start");
                        Volatile.Write(ref _lossStream[viewer], player.Stream);
                        Volatile.Write(ref _lossFrom[viewer], last != 0 ? last : ended);
                    }
                    failures++;
                    await Task.Delay(RetryPause, stop);
                }
                else
                {
                    failures = 0;
                    // The viewer comes back after a short while, as another viewer would arrive.
                    await Task.Delay(TimeSpan.FromSeconds(2 * NextDouble()), stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>Closes the viewer's stretch without media once its new player has a frame.</summary>
    private async Task WatchFirstFrameAsync(int viewer, LoadPlayer player, Task run)
    {
        while (!run.IsCompleted && !player.GotFrames)
        {
            await Task.WhenAny(run, Task.Delay(100));
        }
        if (player.GotFrames && Volatile.Read(ref _lossFrom[viewer]) is var from and not 0)
        {
            _losses.Enqueue((viewer, new MediaLoss(from, player.FirstFrameTicks, Volatile.Read(ref _lossCause[viewer]) ?? "drop", Stream: Volatile.Read(ref _lossStream[viewer]) ?? "")));
            Volatile.Write(ref _lossFrom[viewer], 0);
        }
    }
}
