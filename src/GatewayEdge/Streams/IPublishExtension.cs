using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// Work that runs beside a live publish on the gateway holding the publisher: HLS and DVR writers,
/// forwarders. Each extension typically adds a <see cref="PlayerQueue"/> to the hub and drains it on
/// its own task, so it sees the same shared frames as players and never blocks the publisher.
/// </summary>
public interface IPublishExtension
{
    /// <summary>Called once the publish lease is granted and the hub has its publisher. Returns a
    /// handle disposed after the publisher left (the hub has already ended its queues by then), or
    /// null when this extension has nothing to do for the stream.</summary>
    ValueTask<IAsyncDisposable?> StartAsync(PublishContext context, CancellationToken cancellationToken);
}

/// <summary>What a <see cref="IPublishExtension"/> knows about the publish it runs beside.</summary>
public sealed record PublishContext(
    StreamHub Hub,
    StreamAddress Address,
    string ClientId,
    string StreamId,
    string TcUrl,
    ILogger Logger)
{
    /// <summary>The publisher's IP address, for recording events.</summary>
    public string Ip { get; init; } = "";
}
