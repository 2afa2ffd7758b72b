using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>
/// One stream pulled from the gateway that holds its publisher into this gateway's hub, like an SRS
/// edge pulling from its origin: one RTMP play upstream, however many players here. Its players'
/// keyframe requests (WebRTC PLI/FIR) go upstream as a command on that play, at most two per
/// <see cref="Protocols.WebRtc.RtcSettings.PliIntervalMilliseconds"/> (the origin's publisher limits
/// its own PLIs to one). Ends when the upstream stream ends or the last local player leaves.
/// </summary>
public sealed class EdgePull
{
    private readonly StreamHub _hub;
    private readonly GatewayInfo _origin;
    private readonly GatewayContext _gateway;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _keyframeGate = new();
    private RtmpClient? _client;
    private long _lastKeyframeRequest;
    private long _keyframeRequests;

    public EdgePull(StreamHub hub, GatewayInfo origin, GatewayContext gateway, ILogger logger)
    {
        _hub = hub;
        _origin = origin;
        _gateway = gateway;
        _logger = logger;
        ClientId = "edge" + Ids.Random(4);
    }

    /// <summary>This pull's publisher id in the local hub (and in the origin's logs and API, its player id is the origin's own).</summary>
    public string ClientId { get; }

    public StreamHub Hub => _hub;

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = RunAsync();

    public void Stop() => _stop.Cancel();

    private async Task RunAsync()
    {
        await Task.Yield();
        var vhost = _hub.Vhost == StreamKey.DefaultVhost ? "" : $"?vhost={Uri.EscapeDataString(_hub.Vhost)}";
        var url = new RtmpUrl(_origin.Host, _origin.RtmpPort, _hub.App, _hub.Stream + vhost);
        if (!_hub.TryAttachPublisher(ClientId, edge: true))
        {
            return;
        }
        using var scope = _logger.BeginScope(LogScopes.Client, ClientId);
        _hub.SetKeyframeSource(ClientId, RequestKeyframe);
        var frames = 0L;
        try
        {
            await using var client = await RtmpClient.ConnectAsync(url, _gateway.Options.OutChunkSize, _gateway.Options.MaxMessageBytes, _stop.Token, sourceAudio: true);
            await client.PlayAsync(_stop.Token);
            Volatile.Write(ref _client, client);
            _logger.LogInformation("Edge pull of {Url} from gateway {Gateway} started", url, _origin.GatewayId);
            while (await client.ReadMediaAsync(_stop.Token) is { } message)
            {
                if (Publish(message))
                {
                    frames++;
                }
            }
            _logger.LogInformation("Edge pull of {Url} ended upstream after {Frames} frames ({Requests} keyframe requests passed on)", url, frames, Interlocked.Read(ref _keyframeRequests));
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _logger.LogInformation("Edge pull of {Url} stopped: no players left ({Frames} frames, {Requests} keyframe requests passed on)", url, frames, Interlocked.Read(ref _keyframeRequests));
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Edge pull of {Url} from gateway {Gateway} failed: {Error}", url, _origin.GatewayId, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _client, null);
            _hub.DetachPublisher(ClientId);
        }
    }

    /// <summary>A player here needs a keyframe: the request goes upstream unless one just did.</summary>
    private void RequestKeyframe()
    {
        if (Volatile.Read(ref _client) is not { } client)
        {
            return;
        }
        lock (_keyframeGate)
        {
            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(_lastKeyframeRequest, now).TotalMilliseconds < _gateway.Options.Rtc.PliIntervalMilliseconds / 2.0)
            {
                return;
            }
            _lastKeyframeRequest = now;
        }
        Interlocked.Increment(ref _keyframeRequests);
        _ = SendKeyframeRequestAsync(client);
    }

    private async Task SendKeyframeRequestAsync(RtmpClient client)
    {
        try
        {
            await client.RequestKeyframeAsync(_stop.Token);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The pull is ending; its read loop reports why.
        }
    }

    /// <summary>Frames arrive as players would see them: metadata is plain onMetaData already.</summary>
    private bool Publish(RtmpMessage message)
    {
        if (message.Length == 0)
        {
            message.ReturnBuffer();
            return false;
        }
        var type = message.TypeId switch
        {
            RtmpMessageType.Video => FrameTypes.Video,
            RtmpMessageType.Audio => FrameTypes.Audio,
            _ => FrameTypes.Script,
        };
        var frame = MediaFrame.FromPooled(type, message.Timestamp, message.TakeBuffer(), message.Length);
        _hub.Publish(frame);
        frame.Release();
        return true;
    }
}
