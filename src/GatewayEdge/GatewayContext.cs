using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge;

/// <summary>What the gateway's listeners, pulls and writers share, in one place.</summary>
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
        StreamSessions sessions,
        WorkDirectory workDirectory,
        ConnectionLimiter limits,
        VhostSettingsCache vhosts,
        ConnectionDrops drops)
    {
        Drops = drops;
        WorkDirectory = workDirectory;
        EdgePulls = edgePulls;
        Limits = limits;
        Options = options.Value;
        Hubs = hubs;
        Connections = connections;
        Cluster = cluster;
        Loggers = loggers;
        Sessions = sessions;
        KnownVhosts = new ConfiguredVhostNames(configuration, vhosts);
    }

    public GatewayOptions Options { get; }

    /// <summary>The publish/play service every protocol goes through (the only one that asks grains for admission).</summary>
    public StreamSessions Sessions { get; }

    public StreamHubRegistry Hubs { get; }

    public ConnectionRegistry Connections { get; }

    /// <summary>The grains, for the cluster side of the gateway (heartbeat, reports, pulls); protocols use <see cref="Sessions"/>.</summary>
    public ClusterLink Cluster { get; }

    /// <summary>Pulls of streams whose publisher is on another gateway.</summary>
    public EdgePulls EdgePulls { get; }

    public ILoggerFactory Loggers { get; }

    /// <summary>Vhosts named in the cluster's or the gateway's configuration (kept current on reload); any other vhost resolves to the default one.</summary>
    public IReadOnlySet<string> KnownVhosts { get; }

    /// <summary>Where relative HLS and DVR paths go.</summary>
    public WorkDirectory WorkDirectory { get; }

    /// <summary>Admits new client connections within the gateway's connection limits.</summary>
    public ConnectionLimiter Limits { get; }

    /// <summary>Counts (and budgets the log lines of) connections closed because the peer misbehaved or stalled.</summary>
    public ConnectionDrops Drops { get; }
}
