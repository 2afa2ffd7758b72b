using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using StackExchange.Redis;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>
/// How silos and standalone gateways find each other, shared by both hosts: the cluster and
/// service ids from "Orleans", and Redis membership when "Redis:ConnectionString" is set
/// (otherwise localhost clustering for a silo, static gateway endpoints for a gateway).
/// </summary>
public static class ClusterSetup
{
    public const string DefaultId = "orleans-live";

    /// <summary>The Redis connection string, or null for the Redis-free set-up.</summary>
    public static string? RedisConnectionString(IConfiguration configuration)
    {
        var redis = configuration["Redis:ConnectionString"];
        return string.IsNullOrWhiteSpace(redis) ? null : redis;
    }

    /// <summary>Keeps retrying while Redis is away instead of failing the host.</summary>
    public static ConfigurationOptions RedisOptions(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        return options;
    }

    public static string ClusterId(IConfiguration orleans) => orleans["ClusterId"] ?? DefaultId;

    public static string ServiceId(IConfiguration orleans) => orleans["ServiceId"] ?? DefaultId;

    public static void ConfigureIds(ClusterOptions options, IConfiguration orleans)
    {
        options.ClusterId = ClusterId(orleans);
        options.ServiceId = ServiceId(orleans);
    }

    /// <summary>A gateway's cluster client: Redis membership or the silos' gateway endpoints in
    /// "Orleans:Gateways", and it keeps trying while no silo is up yet.</summary>
    public static IClientBuilder UseLiveCluster(this IClientBuilder client, IConfiguration configuration)
    {
        var orleans = configuration.GetSection("Orleans");
        if (RedisConnectionString(configuration) is { } redis)
        {
            // Find the silos through the same Redis membership table they write.
            client.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(redis));
        }
        else
        {
            var gateways = orleans.GetSection("Gateways").Get<string[]>() ?? ["127.0.0.1:30000"];
            client.UseStaticClustering(gateways.Select(IPEndPoint.Parse).ToArray());
        }
        // A gateway may start before any silo: keep trying rather than exit.
        client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            Console.Error.WriteLine($"Cluster not reachable yet ({exception.GetType().Name}); retrying");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        client.Configure<ClusterOptions>(o => ConfigureIds(o, orleans));
        return client;
    }
}
