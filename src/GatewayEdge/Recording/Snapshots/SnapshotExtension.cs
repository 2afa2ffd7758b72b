using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Recording.Snapshots;

/// <summary>Takes JPEG snapshots beside every publish of a vhost with snapshots enabled: a
/// <see cref="SnapshotTaker"/> fed from a <see cref="HubTap"/>, so only the publisher's gateway decodes.</summary>
public sealed class SnapshotExtension(ClusterLink cluster, ISnapshotDecoder decoder, SnapshotDecodes slots, ILoggerFactory loggers) : IPublishExtension
{
    private readonly ILogger _logger = loggers.CreateLogger<SnapshotTaker>();

    public async ValueTask<IAsyncDisposable?> StartAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var address = context.Address;
        var settings = await OutputSettings.GetAsync(cluster, address, s => s.Snapshot, "snapshots", _logger, cancellationToken);
        if (settings is not { Enabled: true })
        {
            return null;
        }
        _logger.LogInformation("Snapshots of {Url} every {Interval} s{Scale}", address.Url, settings.IntervalSeconds,
            settings.Width > 0 ? $", {settings.Width} pixels wide" : "");
        var taker = new SnapshotTaker(context.Hub, settings, decoder, slots, _logger);
        var tap = HubTap.Start(context.Hub, "snapshot", taker.OnFrame, () => { }, _logger);
        return new Handle(tap, taker);
    }

    private sealed class Handle(HubTap tap, SnapshotTaker taker) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await tap.DisposeAsync();
            }
            finally
            {
                await taker.DisposeAsync();
            }
        }
    }
}
