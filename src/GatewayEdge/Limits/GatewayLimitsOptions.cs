using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Limits;

/// <summary>Connection limits of one gateway, bound from the "Gateway" section next to <see cref="GatewayOptions"/>.</summary>
public sealed class GatewayLimitsOptions
{
    /// <summary>Most client connections (RTMP and HTTP-FLV players) open at once (SRS `max_connections`); 0 means no limit.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>Most new connections one IP may open per second; 0 means no limit. Refused attempts count too.</summary>
    public int MaxConnectionsPerIpPerSecond { get; set; }

    /// <summary>Most client connections (RTMP and HTTP, whatever their state) held open at once; 0 (the default) derives it
    /// from the process's descriptor limit less <see cref="DescriptorReserve"/>.</summary>
    public int MaxOpenConnections { get; set; }

    /// <summary>Descriptors kept for everything but client connections (files, the cluster, the runtime).</summary>
    public int DescriptorReserve { get; set; } = 1024;
}
