using System.Text.Json.Nodes;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>The gateways' connection-limit counters for /api/v1/summaries: the cluster-wide total of
/// refused connections ("system.conn_srs_refused") and one entry per gateway ("gateways"), with the
/// host and ports of its last heartbeat (absent when the gateway stopped heartbeating).</summary>
internal static class GatewayLimitsJson
{
    public static async Task<(long Refused, JsonArray Gateways)> Read(IGrainFactory grains)
    {
        var stats = await grains.GetGrain<IGatewayLimitsGrain>(0).List();
        var infos = await Task.WhenAll(stats.Select(s => grains.GetGrain<IGatewayGrain>(s.GatewayId).GetInfo()));
        var list = new JsonArray();
        for (var i = 0; i < stats.Count; i++)
        {
            var s = stats[i];
            var gateway = new JsonObject
            {
                ["id"] = s.GatewayId,
                ["connections"] = s.Connections,
                ["max_connections"] = s.MaxConnections,
                ["max_connections_per_ip_per_second"] = s.MaxConnectionsPerIpPerSecond,
                ["refused_max_connections"] = s.RefusedMaxConnections,
                ["refused_ip_rate"] = s.RefusedIpRate,
            };
            if (infos[i] is { } info)
            {
                gateway["host"] = info.Host;
                gateway["rtmp_port"] = info.RtmpPort;
                gateway["http_port"] = info.HttpPort;
                gateway["srt_port"] = info.SrtPort;
                gateway["rtc_port"] = info.RtcPort;
                gateway["rtc_tcp_port"] = info.RtcTcpPort;
                gateway["https_port"] = info.HttpsPort;
                gateway["rtmps_port"] = info.RtmpsPort;
                gateway["started_ms"] = SrsJson.UnixMs(info.StartedUtc);
                gateway["vhost_config_version"] = info.VhostConfigVersion;
            }
            list.Add(gateway);
        }
        return (stats.Sum(s => s.Refused), list);
    }
}
