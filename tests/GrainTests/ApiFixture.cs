using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Silo.Api;

namespace OrleansLive.GrainTests;

/// <summary>A test cluster plus the SRS API served by Kestrel on a free loopback port.</summary>
public sealed class ApiFixture : ClusterFixture
{
    public const string ServerId = "vid-tests01";

    private WebApplication? _app;

    public HttpClient Http { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["Api:ServerId"] = ServerId;
        // In a silo the API shares the silo's configuration, which lists the configured vhosts.
        builder.Configuration[$"Vhosts:{ConfiguredVhost}:ChunkSize"] = "4096";
        builder.Services.AddSingleton<IGrainFactory>(Client);
        builder.Services.AddSrsApi();
        _app = builder.Build();
        _app.MapSrsApi();
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features
            .GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public override async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
