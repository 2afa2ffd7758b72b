using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge;

/// <summary>What every protocol handler of the gateway needs, in one place.</summary>
public sealed class GatewayContext
{
    public GatewayContext(
        IOptions<GatewayOptions> options,
        IConfiguration configuration,
        StreamHubRegistry hubs,
        ConnectionRegistry connections,
        ClusterLink cluster,
        ILoggerFactory loggers,
        EdgePulls edgePulls,
        IEnumerable<IPublishExtension> publishExtensions,
        ConnectionLimiter limits)
    {
        EdgePulls = edgePulls;
        Limits = limits;
        PublishExtensions = [.. publishExtensions];
        Options = options.Value;
        Hubs = hubs;
        Connections = connections;
        Cluster = cluster;
        Loggers = loggers;
        KnownVhosts = new ConfiguredVhostNames(configuration);
        PlayerLimits = new PlayerQueueLimits(Options.PlayerMaxLagMilliseconds, Options.PlayerMaxQueueBytes, Options.PlayerMaxSkipsPerMinute, Options.PlayerMergeAudioMilliseconds);
    }

    public GatewayOptions Options { get; }

    public StreamHubRegistry Hubs { get; }

    public ConnectionRegistry Connections { get; }

    public ClusterLink Cluster { get; }

    /// <summary>Pulls of streams whose publisher is on another gateway.</summary>
    public EdgePulls EdgePulls { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>Vhosts named in configuration (kept current on reload); any other vhost resolves to the default one.</summary>
    public IReadOnlySet<string> KnownVhosts { get; }

    public PlayerQueueLimits PlayerLimits { get; }

    /// <summary>Admits new client connections within the gateway's connection limits.</summary>
    public ConnectionLimiter Limits { get; }

    /// <summary>Started beside every publish on this gateway, whatever the protocol.</summary>
    public IReadOnlyList<IPublishExtension> PublishExtensions { get; }

    /// <summary>Starts every publish extension; one that fails is logged and left out.</summary>
    public async Task<List<IAsyncDisposable>> StartPublishExtensionsAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var started = new List<IAsyncDisposable>();
        foreach (var extension in PublishExtensions)
        {
            try
            {
                if (await extension.StartAsync(context, cancellationToken) is { } handle)
                {
                    started.Add(handle);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                context.Logger.LogError(ex, "{Extension} failed to start for {Url}", extension.GetType().Name, context.Address.Url);
            }
        }
        return started;
    }

    /// <summary>Stops what <see cref="StartPublishExtensionsAsync"/> started, logging failures.</summary>
    public static async Task StopPublishExtensionsAsync(List<IAsyncDisposable> started, ILogger logger)
    {
        foreach (var handle in started)
        {
            try
            {
                await handle.DisposeAsync();
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "{Extension} failed to stop cleanly", handle.GetType().Name);
            }
        }
    }

    /// <summary>The vhost's media settings for a stream hub; defaults if the cluster cannot say.</summary>
    public async Task<StreamHubOptions> HubOptionsFor(string vhost, ILogger logger)
    {
        try
        {
            var settings = await Cluster.GetVhostSettings(vhost);
            return new StreamHubOptions(settings.GopCache);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Vhost settings unavailable for {Vhost}; using defaults", vhost);
            return new StreamHubOptions();
        }
    }
}
