using System.Text.Json.Nodes;
using Orleans.Runtime;

namespace OrleansLive.Silo.Api;

/// <summary>Beyond SRS: the cluster's active silos for /api/v1/summaries ("silos"), from Orleans'
/// membership table, with each silo's activation count.</summary>
internal static class SilosJson
{
    public static async Task<JsonArray> Read(IGrainFactory grains)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var hosts = await management.GetDetailedHosts(onlyActive: true);
        var stats = await management.GetRuntimeStatistics([.. hosts.Select(h => h.SiloAddress)]);
        var list = new JsonArray();
        for (var i = 0; i < hosts.Length; i++)
        {
            var host = hosts[i];
            list.Add(new JsonObject
            {
                ["address"] = host.SiloAddress.ToParsableString(),
                ["name"] = host.SiloName,
                ["host"] = host.HostName,
                ["status"] = host.Status.ToString(),
                ["started_ms"] = SrsJson.UnixMs(host.StartTime.ToUniversalTime()),
                ["activations"] = i < stats.Length ? stats[i].ActivationCount : 0,
            });
        }
        return list;
    }
}
