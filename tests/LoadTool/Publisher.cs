using System.Diagnostics;

namespace OrleansLive.LoadTool;

/// <summary>
/// Publishes one stream in real time: frames go out when their timestamp is due, and each AVC frame
/// carries its send time (<see cref="LatencyStamp"/>) taken right before it is handed to the
/// transport, which the subclass supplies (<see cref="RtmpPublisher"/>, <see cref="SrtPublisher"/>).
/// </summary>
public abstract class Publisher
{
    private readonly IFrameSource _source;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Collections.Concurrent.ConcurrentQueue<(long Ticks, double LateMs)> _lateEvents = new();
    private long _frames;
    private long _bytes;
    private long _maxLateTicks;

    protected Publisher(string target, IFrameSource source)
    {
        Target = target;
        _source = source;
    }

    /// <summary>Where it publishes to, for reports.</summary>
    public string Target { get; }

    public bool Started { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Where the publisher is: connect, publish, publishing.</summary>
    public string Stage { get; protected set; } = "not started";

    public long Frames => Interlocked.Read(ref _frames);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How late the most delayed frame left, against its timestamp: a starved publisher.</summary>
    public double MaxLateMs => Interlocked.Read(ref _maxLateTicks) * 1000.0 / Stopwatch.Frequency;

    public Task Ready => _ready.Task;

    /// <summary>A frame sent at least this late is recorded: its players see a gap the server did not make.</summary>
    public const double LateEventMs = 250;

    /// <summary>When frames left at least <see cref="LateEventMs"/> late (the tool itself starved), and how late.</summary>
    public IReadOnlyCollection<(long Ticks, double LateMs)> LateEvents => _lateEvents;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ConnectAsync(cancellationToken);
            Stage = "publishing";
            Started = true;
            foreach (var header in _source.Headers)
            {
                await SendAsync(header, cancellationToken);
            }
            _ready.TrySetResult();
            var start = Stopwatch.GetTimestamp();
            while (!cancellationToken.IsCancellationRequested)
            {
                var frame = _source.Next();
                var due = start + (frame.Timestamp * Stopwatch.Frequency / 1000);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > Stopwatch.Frequency / 1000)
                {
                    await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), cancellationToken);
                }
                var now = Stopwatch.GetTimestamp();
                var late = now - due;
                if (late > _maxLateTicks)
                {
                    Interlocked.Exchange(ref _maxLateTicks, late);
                }
                if (late * 1000.0 / Stopwatch.Frequency >= LateEventMs && _lateEvents.Count < 100_000)
                {
                    _lateEvents.Enqueue((now, late * 1000.0 / Stopwatch.Frequency));
                }
                await SendAsync(frame, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Error = ex.Message;
            _ready.TrySetException(ex);
        }
        finally
        {
            _ready.TrySetResult();
            await CloseAsync();
        }
    }

    /// <summary>Connects and asks to publish; sets <see cref="Stage"/> as it goes.</summary>
    protected abstract Task ConnectAsync(CancellationToken cancellationToken);

    /// <summary>Sends one frame (already stamped).</summary>
    protected abstract ValueTask SendFrameAsync(SourceFrame frame, CancellationToken cancellationToken);

    /// <summary>Ends the connection, however the run went.</summary>
    protected abstract ValueTask CloseAsync();

    private async ValueTask SendAsync(SourceFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Stampable)
        {
            LatencyStamp.Stamp(frame.Payload);
        }
        await SendFrameAsync(frame, cancellationToken);
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _bytes, frame.Payload.Length);
    }
}
