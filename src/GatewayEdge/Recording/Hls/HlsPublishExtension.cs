using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Recording.Hls;

/// <summary>
/// Writes HLS beside every publish of a vhost with HLS enabled: a <see cref="HlsSegmenter"/> fed from
/// a <see cref="HubTap"/>, each closed segment reported to the stream's HLS grain (the on_hls event).
/// </summary>
public sealed class HlsPublishExtension(ClusterLink cluster, IMediaFileSystem files, HlsStreams streams, LowLatencyHlsStreams live, ILoggerFactory loggers)
    : IPublishExtension
{
    private readonly ILogger _logger = loggers.CreateLogger<HlsSegmenter>();

    public async ValueTask<IAsyncDisposable?> StartAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var address = context.Address;
        var settings = await OutputSettings.GetAsync(cluster, address, s => s.Hls, "HLS", _logger, cancellationToken);
        if (settings is not { Enabled: true })
        {
            return null;
        }
        var m3u8 = HlsSegmenter.PlaylistPath(settings, address.Vhost, address.App, address.Stream, DateTimeOffset.Now);
        var state = streams.Acquire(m3u8, settings.Fragment);
        if (state is null)
        {
            _logger.LogWarning("HLS {Playlist} is being written by another publish on this gateway; no HLS for {Url}", m3u8, address.Url);
            return null;
        }
        var grain = cluster.Grains.GetGrain<IHlsGrain>(address.Key);
        var source = new StreamEventSource(address.Vhost, address.App, address.Stream, address.Url, context.StreamId, context.ClientId,
            context.Ip, context.TcUrl, address.Param, cluster.GatewayId);
        LowLatencyHlsStream? lowLatency = null;
        var served = Path.GetRelativePath(Path.GetFullPath(settings.Path), Path.GetFullPath(m3u8)).Replace('\\', '/');
        if (settings.LowLatency)
        {
            // Memory holds a dozen segments at most; the playlist on disk keeps the configured window.
            var fragment = Math.Max(0.1, settings.Fragment);
            lowLatency = state.Live ??= new LowLatencyHlsStream(Path.GetFileNameWithoutExtension(m3u8), fragment,
                Math.Clamp(settings.PartSeconds, 0.05, fragment), Math.Min(settings.Window, 12 * Math.Max(1, fragment)));
            live.Add(address.Vhost, served, lowLatency);
        }
        var segmenter = new HlsSegmenter(settings, address.Vhost, address.App, address.Stream, state, files, _logger, segment =>
        {
            var evt = new HlsSegmentEvent(source, segment.Duration, cluster.WorkDirectory.Path, segment.File, segment.Url,
                segment.M3u8, segment.M3u8Url, segment.Sequence, segment.Discontinuity, DateTime.UtcNow);
            cluster.Fire(() => grain.SegmentClosed(evt), "hls segment closed");
        }, live: lowLatency);
        _logger.LogInformation("HLS {Url} to {Playlist} ({Format}, fragment {Fragment} s, window {Window} s{LowLatency})",
            address.Url, m3u8, settings.Fmp4 || settings.LowLatency ? "fMP4" : "TS", settings.Fragment, settings.Window,
            lowLatency is null ? "" : $", low latency from memory at /{served}, parts {settings.PartSeconds} s");
        var tap = HubTap.Start(context.Hub, "hls", segmenter.Write, segmenter.Flush, _logger);
        return new Handle(tap, segmenter, state, streams, TimeSpan.FromSeconds(Math.Max(0, settings.Dispose)),
            lowLatency is null ? null : () => live.Remove(address.Vhost, served, lowLatency));
    }

    private sealed class Handle(HubTap tap, HlsSegmenter segmenter, HlsStreamState state, HlsStreams streams, TimeSpan dispose, Action? unlist)
        : IAsyncDisposable
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
                // Held requests were answered with the ended playlist; later ones get the one on disk.
                unlist?.Invoke();
                streams.Release(state, dispose);
            }
        }
    }
}
