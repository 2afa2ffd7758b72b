using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.SrsConfig;
using OrleansLive.GatewayEdge.Telemetry;

// A standalone gateway: joins the cluster as an Orleans client and serves RTMP and HTTP streams.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
// Defaults ship beside the binary; environment variables and the command line still override them.
builder.Configuration.AddJsonFile("gateway.json", optional: true).AddEnvironmentVariables().AddCommandLine(args);
// --config FILE: that file instead of gateway.json (re-read on SIGHUP and when edited).
ConfigFileOption.Apply(builder.Configuration, args, "gateway.json");
// --srs-config FILE and SRS_* variables: SRS's own configuration, mapped onto these keys.
var srs = SrsConfigSource.Add(builder.Configuration, args);
builder.Logging.AddLiveConsole();
// Before the Orleans client: /metrics, /healthz and /readyz on the HTTP port while the cluster is away.
builder.Services.AddStandaloneGatewayTelemetry();
builder.UseOrleansClient(client => client.UseLiveCluster(builder.Configuration));
builder.Services.AddGatewayEdge(builder.Configuration);
builder.Services.AddHostedService<ConfigReloadOnSighup>();
var host = builder.Build();
srs.Log(host.Services.GetRequiredService<ILoggerFactory>().CreateLogger<SrsConfigSource>());
await host.RunAsync();
return 0;
