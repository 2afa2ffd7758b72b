using System.Diagnostics;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.LoadTool;

/// <summary>
/// Publishes one stream in real time: frames go out when their timestamp is due, and each AVC frame
/// carries its send time (<see cref="LatencyStamp"/>) taken right before it is handed to the socket.
/// </summary>
public sealed class Publisher
{
    public const int ChunkSize = 60000;

    private readonly RtmpUrl _url;
    private readonly IFrameSource _source;
    private readonly MediaFrame[] _one = new MediaFrame[1];
    private long _frames;
    private long _bytes;
    private long _maxLateTicks;

    public Publisher(RtmpUrl url, IFrameSource source)
    {
        _url = url;
        _source = source;
    }

    public RtmpUrl Url => _url;

    public bool Started { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Where the publisher is: connect, publish, publishing.</summary>
    public string Stage { get; private set; } = "not started";

    public long Frames => Interlocked.Read(ref _frames);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How late the most delayed frame left, against its timestamp: a starved publisher.</summary>
    public double MaxLateMs => Interlocked.Read(ref _maxLateTicks) * 1000.0 / Stopwatch.Frequency;

    public Task Ready => _ready.Task;

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        RtmpClient? client = null;
        try
        {
            Stage = "connect";
            client = await RtmpClient.ConnectAsync(_url, ChunkSize, 8 * 1024 * 1024, cancellationToken);
            Stage = "publish";
            await client.PublishAsync(cancellationToken);
            Stage = "publishing";
            Started = true;
            var drain = DrainAsync(client, cancellationToken);
            foreach (var header in _source.Headers)
            {
                await SendAsync(client, header, cancellationToken);
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
                var late = Stopwatch.GetTimestamp() - due;
                if (late > _maxLateTicks)
                {
                    Interlocked.Exchange(ref _maxLateTicks, late);
                }
                await SendAsync(client, frame, cancellationToken);
            }
            await drain;
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
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task SendAsync(RtmpClient client, SourceFrame frame, CancellationToken cancellationToken)
    {
        if (frame.Stampable)
        {
            LatencyStamp.Stamp(frame.Payload);
        }
        var media = MediaFrame.Copy(frame.Type, frame.Timestamp, frame.Payload);
        _one[0] = media;
        try
        {
            await client.SendFramesAsync(_one, ChunkSize, cancellationToken);
        }
        finally
        {
            media.Release();
        }
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _bytes, frame.Payload.Length);
    }

    /// <summary>Reads what the server sends a publisher (acknowledgements, status) so it never blocks.</summary>
    private static async Task DrainAsync(RtmpClient client, CancellationToken cancellationToken)
    {
        try
        {
            while (await client.ReadMediaAsync(cancellationToken) is { } message)
            {
                message.ReturnBuffer();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException or RtmpProtocolException)
        {
        }
    }
}
