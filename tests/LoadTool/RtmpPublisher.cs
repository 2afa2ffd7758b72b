using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.LoadTool;

/// <summary>A <see cref="Publisher"/> over RTMP with the gateway's own client.</summary>
public sealed class RtmpPublisher : Publisher
{
    public const int ChunkSize = 60000;

    private readonly RtmpUrl _url;
    private readonly MediaFrame[] _one = new MediaFrame[1];
    private RtmpClient? _client;

    public RtmpPublisher(RtmpUrl url, IFrameSource source)
        : base(url.ToString(), source) => _url = url;

    protected override async Task ConnectAsync(CancellationToken cancellationToken)
    {
        Stage = "connect";
        _client = await RtmpClient.ConnectAsync(_url, ChunkSize, 8 * 1024 * 1024, cancellationToken);
        Stage = "publish";
        await _client.PublishAsync(cancellationToken);
        _ = DrainAsync(_client, cancellationToken);
    }

    protected override async ValueTask SendFrameAsync(SourceFrame frame, CancellationToken cancellationToken)
    {
        var media = MediaFrame.Copy(frame.Type, frame.Timestamp, frame.Payload);
        _one[0] = media;
        try
        {
            await _client!.SendFramesAsync(_one, ChunkSize, cancellationToken);
        }
        finally
        {
            media.Release();
        }
    }

    protected override async ValueTask CloseAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
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
