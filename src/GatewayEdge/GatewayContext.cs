using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Media;

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
        ILoggerFactory loggers)
    {
        Options = options.Value;
        Hubs = hubs;
        Connections = connections;
        Cluster = cluster;
        Loggers = loggers;
        KnownVhosts = configuration.GetSection("Vhosts").GetChildren().Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        PlayerLimits = new PlayerQueueLimits(Options.PlayerMaxLagMilliseconds, Options.PlayerMaxQueueBytes, Options.PlayerMaxSkipsPerMinute);
    }

    public GatewayOptions Options { get; }

    public StreamHubRegistry Hubs { get; }

    public ConnectionRegistry Connections { get; }

    public ClusterLink Cluster { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>Vhosts named in configuration; any other vhost resolves to the default one.</summary>
    public IReadOnlySet<string> KnownVhosts { get; }

    public PlayerQueueLimits PlayerLimits { get; }

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
