using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansLive.GatewayEdge;

// A standalone gateway: joins the cluster as an Orleans client and serves RTMP and HTTP streams.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
// Defaults ship beside the binary; environment variables and the command line still override them.
builder.Configuration.AddJsonFile("gateway.json", optional: true).AddEnvironmentVariables().AddCommandLine(args);
// --config FILE: that file instead of gateway.json (re-read on SIGHUP and when edited).
ConfigFileOption.Apply(builder.Configuration, args, "gateway.json");
builder.Logging.AddLiveConsole();
var orleans = builder.Configuration.GetSection("Orleans");
builder.UseOrleansClient(client =>
{
    var redis = builder.Configuration["Redis:ConnectionString"];
    if (string.IsNullOrWhiteSpace(redis))
    {
        var gateways = orleans.GetSection("Gateways").Get<string[]>() ?? ["127.0.0.1:30000"];
        client.UseStaticClustering(gateways.Select(ParseEndpoint).ToArray());
    }
    else
    {
        // Find the silos through the same Redis membership table they write.
        var options = StackExchange.Redis.ConfigurationOptions.Parse(redis);
        options.AbortOnConnectFail = false;
        client.UseRedisClustering(o => o.ConfigurationOptions = options);
    }
    // A gateway may start before any silo: keep trying rather than exit.
    client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
    {
        Console.Error.WriteLine($"Cluster not reachable yet ({exception.GetType().Name}); retrying");
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return true;
    });
    client.Configure<Orleans.Configuration.ClusterOptions>(o =>
    {
        o.ClusterId = orleans["ClusterId"] ?? "orleans-live";
        o.ServiceId = orleans["ServiceId"] ?? "orleans-live";
    });
});
builder.Services.AddGatewayEdge(builder.Configuration);
builder.Services.AddHostedService<ConfigReloadOnSighup>();
await builder.Build().RunAsync();
return 0;

static System.Net.IPEndPoint ParseEndpoint(string value) => System.Net.IPEndPoint.Parse(value);
