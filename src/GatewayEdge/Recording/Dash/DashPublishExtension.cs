using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Recording.Dash;

/// <summary>Writes MPEG-DASH beside every publish of a vhost with DASH enabled: a <see cref="DashSegmenter"/> fed from a <see cref="HubTap"/>.</summary>
public sealed class DashPublishExtension(ClusterLink cluster, IMediaFileSystem files, DashStreams streams, ILoggerFactory loggers) : IPublishExtension
{
    private readonly ILogger _logger = loggers.CreateLogger<DashSegmenter>();

    public async ValueTask<IAsyncDisposable?> StartAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var address = context.Address;
        var settings = await OutputSettings.GetAsync(cluster, address, s => s.Dash, "DASH", _logger, cancellationToken);
        if (settings is not { Enabled: true })
        {
            return null;
        }
        var mpd = DashSegmenter.MpdPath(settings, address.Vhost, address.App, address.Stream, DateTimeOffset.Now);
        var state = streams.Acquire(mpd);
        if (state is null)
        {
            _logger.LogWarning("DASH {Mpd} is being written by another publish on this gateway; no DASH for {Url}", mpd, address.Url);
            return null;
        }
        var segmenter = new DashSegmenter(settings, address.Vhost, address.App, address.Stream, state, files, _logger);
        _logger.LogInformation("DASH {Url} to {Mpd} (fragment {Fragment} s, timeshift {Timeshift} s)", address.Url, mpd, settings.Fragment, settings.Timeshift);
        var tap = HubTap.Start(context.Hub, "dash", segmenter.Write, segmenter.Flush, _logger);
        return new Handle(tap, segmenter, state, streams, TimeSpan.FromSeconds(Math.Max(0, settings.Dispose)));
    }

    private sealed class Handle(HubTap tap, DashSegmenter segmenter, DashStreamState state, DashStreams streams, TimeSpan dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await tap.DisposeAsync();
                segmenter.Finish();
            }
            finally
            {
                streams.Release(state, dispose);
            }
        }
    }
}
