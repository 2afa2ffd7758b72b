using System.Text.Json.Nodes;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>The gateways' connection-limit counters for /api/v1/summaries: the cluster-wide total of
/// refused connections ("system.conn_srs_refused") and one entry per gateway ("gateways").</summary>
internal static class GatewayLimitsJson
{
    public static async Task<(long Refused, JsonArray Gateways)> Read(IGrainFactory grains)
    {
        var stats = await grains.GetGrain<IGatewayLimitsGrain>(0).List();
        var list = new JsonArray();
        foreach (var s in stats)
        {
            list.Add(new JsonObject
            {
                ["id"] = s.GatewayId,
                ["connections"] = s.Connections,
                ["max_connections"] = s.MaxConnections,
                ["max_connections_per_ip_per_second"] = s.MaxConnectionsPerIpPerSecond,
                ["refused_max_connections"] = s.RefusedMaxConnections,
                ["refused_ip_rate"] = s.RefusedIpRate,
            });
        }
        return (stats.Sum(s => s.Refused), list);
    }
}
