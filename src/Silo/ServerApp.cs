using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using OrleansLive.GatewayEdge;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.SrsConfig;
using OrleansLive.GatewayEdge.Tls;
using OrleansLive.Grains;
using OrleansLive.Interfaces;
using OrleansLive.Silo.Api;
using OrleansLive.Silo.Metrics;
using OrleansLive.Silo.Storage;

namespace OrleansLive.Silo;

/// <summary>
/// Builds the silo process. Embedded default: localhost clustering, in-memory grain storage and a
/// co-hosted gateway, so one command serves RTMP (1935), HTTP streams (8080) and the HTTP API with
/// the Orleans Dashboard (1985).
/// </summary>
public static class ServerApp
{
    /// <summary>One process: localhost clustering and in-memory grain state.</summary>
    private static void UseEmbedded(ISiloBuilder silo, IConfigurationSection orleans, IConfiguration config, TimeSpan sessionRetention, TimeSpan streamRetention)
    {
        silo.UseLocalhostClustering(
            siloPort: orleans.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
            gatewayPort: orleans.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT),
            serviceId: ClusterSetup.ServiceId(orleans),
            clusterId: ClusterSetup.ClusterId(orleans));
        silo.AddMemoryGrainStorage(StorageNames.Default);
        // Records that pile up with traffic are kept for their retention, as in Redis, and capped in number.
        AddRetainedMemoryStorage(silo, StorageNames.Sessions, sessionRetention, config.GetValue("Sessions:MaxRecords", 20_000));
        AddRetainedMemoryStorage(silo, StorageNames.Streams, streamRetention, config.GetValue("Streams:MaxRecords", 10_000));
        silo.AddMemoryGrainStorage(LiveEventStreams.PubSubStore);
    }

    private static void AddRetainedMemoryStorage(ISiloBuilder silo, string name, TimeSpan retention, int maxRecords) =>
        silo.Services.AddGrainStorage(name, (services, _) =>
            new RetainedMemoryGrainStorage(services.GetRequiredService<Serializer>(), retention, Math.Max(1, maxRecords), TimeProvider.System));

    /// <summary>Production: Redis membership and Redis grain state; session records and the records of
    /// ended streams expire after their retention times (a live stream's record is rewritten at least
    /// once a minute, so it never expires while live).</summary>
    private static void UseRedis(ISiloBuilder silo, IConfigurationSection orleans, string redis, TimeSpan sessionRetention, TimeSpan streamRetention)
    {
        var advertised = IPAddress.Parse(orleans["AdvertisedIP"] ?? "127.0.0.1");
        silo.ConfigureEndpoints(
            advertised,
            orleans.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
            orleans.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT),
            listenOnAnyHostAddress: true);
        silo.Configure<ClusterOptions>(o => ClusterSetup.ConfigureIds(o, orleans));
        // Failure detection (Orleans' defaults unless "Orleans:Membership" says otherwise).
        silo.Configure<ClusterMembershipOptions>(orleans.GetSection("Membership").Bind);
        silo.UseRedisClustering(o => o.ConfigurationOptions = ClusterSetup.RedisOptions(redis));
        silo.AddRedisGrainStorage(StorageNames.Default, o => o.ConfigurationOptions = ClusterSetup.RedisOptions(redis));
        silo.AddRedisGrainStorage(LiveEventStreams.PubSubStore, o => o.ConfigurationOptions = ClusterSetup.RedisOptions(redis));
        silo.AddRedisGrainStorage(StorageNames.Sessions, o =>
        {
            o.ConfigurationOptions = ClusterSetup.RedisOptions(redis);
            o.EntryExpiry = sessionRetention;
        });
        silo.AddRedisGrainStorage(StorageNames.Streams, o =>
        {
            o.ConfigurationOptions = ClusterSetup.RedisOptions(redis);
            o.EntryExpiry = streamRetention;
        });
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // First, so that the dashboard's assets are compressed while the host builds and the silo starts.
        var dashboardAssets = DashboardAssets.Start();
        // Content root beside the binary, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        // --config FILE: that file instead of the copy beside the binary (dotnet run passes the project's own).
        ConfigFileOption.Apply(builder.Configuration, args, "appsettings.json");
        // --srs-config FILE and SRS_* variables: SRS's own configuration, mapped onto these keys.
        var srs = SrsConfigSource.Add(builder.Configuration, args);
        builder.Logging.AddLiveConsole();
        configure?.Invoke(builder);
        var config = builder.Configuration;
        builder.Services.GuardConfigFiles(config);

        var orleans = config.GetSection("Orleans");
        builder.UseOrleans(silo =>
        {
            var sessionRetention = config.GetValue("Sessions:Retention", TimeSpan.FromDays(7));
            var streamRetention = config.GetValue("Streams:Retention", TimeSpan.FromDays(7));
            if (ClusterSetup.RedisConnectionString(config) is { } redis)
            {
                UseRedis(silo, orleans, redis, sessionRetention, streamRetention);
            }
            else
            {
                UseEmbedded(silo, orleans, config, sessionRetention, streamRetention);
            }
            // on_hls / on_dvr events for subscribers such as the HTTP hooks. Few, rare events: two
            // queues polled once a second instead of eight polled ten times. Each poll is a grain
            // call; at four a second they were the largest part of an idle server's CPU that is ours
            // to set (0.15% of a core), and an event now waits at most a second.
            silo.AddMemoryStreams(LiveEventStreams.Provider, streams =>
            {
                streams.ConfigurePartitioning(2);
                streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromSeconds(1)));
            });
            silo.AddLiveGrains();
            silo.AddIncomingGrainCallFilter<GrainCallMetrics>();
            silo.AddDashboard();
            silo.Configure<GrainDirectoryOptions>(o =>
            {
                // Orleans caches up to a million grain locations by default, and its cache-size gauge
                // walks the whole table each time metrics are read (about 1.5% of a core here, idle).
                o.CacheSize = 100_000;
                orleans.GetSection("Directory").Bind(o);
            });
        });

        // Registered after Orleans so the gateway's listeners open once the silo is up.
        if (config.GetValue("Gateway:Enabled", true))
        {
            builder.Services.AddGatewayEdge(config);
        }

        builder.Services.AddSrsApi();
        builder.Services.AddLiveControl(config);
        builder.AddSiloTelemetry();
        builder.Services.AddServerCertificate(config);
        // Last of the hosted services before the API's web host: the dashboard is mapped then.
        dashboardAssets.Register(builder.Services);
        var api = config.GetSection("Api");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var address = IPAddress.Parse(api["ListenAddress"] ?? "0.0.0.0");
            kestrel.Listen(address, api.GetValue("Port", 1985));
            // SRS `http_api.https` (1990 there): the same API, dashboard and WHIP/WHEP over TLS; off unless set.
            if (api.GetValue("Https:Port", -1) is var httpsPort and >= 0)
            {
                var certificate = kestrel.ApplicationServices.GetRequiredService<ServerCertificate>();
                kestrel.Listen(address, httpsPort, listen => listen.UseHttps(https =>
                {
                    https.ServerCertificate = certificate.Certificate;
                    https.ServerCertificateChain = certificate.Chain;
                }));
            }
        });

        var app = builder.Build();
        srs.Log(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<SrsConfigSource>());
        app.UseConsoleFiles();
        app.UseSrsApiAuth();
        app.MapSrsApi();
        app.MapSiloTelemetry();
        app.MapRtcSignalling();
        dashboardAssets.MapInto(app);
        app.MapGet("/", () => Results.Redirect(ConsoleFiles.Path));
        return app;
    }
}
