using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansLive.GatewayEdge;
using OrleansLive.Grains;
using OrleansLive.Interfaces;
using OrleansLive.Silo.Api;

namespace OrleansLive.Silo;

/// <summary>
/// Builds the silo process. Embedded default: localhost clustering, in-memory grain storage and a
/// co-hosted gateway, so one command serves RTMP (1935), HTTP streams (8080) and the HTTP API with
/// the Orleans Dashboard (1985).
/// </summary>
public static class ServerApp
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Content root beside the binary, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.AddLiveConsole();
        configure?.Invoke(builder);
        var config = builder.Configuration;

        var orleans = config.GetSection("Orleans");
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: orleans.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT),
                gatewayPort: orleans.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT),
                serviceId: orleans["ServiceId"] ?? "orleans-live",
                clusterId: orleans["ClusterId"] ?? "orleans-live");
            silo.AddMemoryGrainStorage(StorageNames.Default);
            // on_hls / on_dvr events for subscribers such as the HTTP hooks.
            silo.AddMemoryGrainStorage(LiveEventStreams.PubSubStore);
            silo.AddMemoryStreams(LiveEventStreams.Provider);
            silo.AddLiveGrains();
            silo.AddDashboard();
        });

        // Registered after Orleans so the gateway's listeners open once the silo is up.
        if (config.GetValue("Gateway:Enabled", true))
        {
            builder.Services.AddGatewayEdge(config);
        }

        builder.Services.AddSrsApi();
        var api = config.GetSection("Api");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(api["ListenAddress"] ?? "0.0.0.0"), api.GetValue("Port", 1985));
        });

        var app = builder.Build();
        app.MapSrsApi();
        app.MapOrleansDashboard(routePrefix: "/dashboard");
        app.MapGet("/", () => Results.Redirect("/dashboard"));
        return app;
    }
}
