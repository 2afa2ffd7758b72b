using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>
/// One stream pulled from the gateway that holds its publisher into this gateway's hub, like an SRS
/// edge pulling from its origin: one RTMP play upstream, however many players here. Ends when the
/// upstream stream ends or the last local player leaves.
/// </summary>
public sealed class EdgePull
{
    private readonly StreamHub _hub;
    private readonly GatewayInfo _origin;
    private readonly GatewayContext _gateway;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();

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
        var frames = 0L;
        try
        {
            await using var client = await RtmpClient.ConnectAsync(url, _gateway.Options.OutChunkSize, _gateway.Options.MaxMessageBytes, _stop.Token, sourceAudio: true);
            await client.PlayAsync(_stop.Token);
            _logger.LogInformation("Edge pull of {Url} from gateway {Gateway} started", url, _origin.GatewayId);
            while (await client.ReadMediaAsync(_stop.Token) is { } message)
            {
                if (Publish(message))
                {
                    frames++;
                }
            }
            _logger.LogInformation("Edge pull of {Url} ended upstream after {Frames} frames", url, frames);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            _logger.LogInformation("Edge pull of {Url} stopped: no players left ({Frames} frames)", url, frames);
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Edge pull of {Url} from gateway {Gateway} failed: {Error}", url, _origin.GatewayId, ex.Message);
        }
        finally
        {
            _hub.DetachPublisher(ClientId);
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
