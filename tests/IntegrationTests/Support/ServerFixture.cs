using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Silo;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// The all-in-one server, built exactly as `dotnet run --project src/Silo` builds it, on free
/// loopback ports. Shared by the tests of a collection.
/// </summary>
public partial class ServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public CapturedLogs Logs { get; } = new();

    /// <summary>Picked up front, so vhost settings can name this server as a destination.</summary>
    public int RtmpPort { get; private set; } = TestServers.FreeTcpPort();

    public int HttpPort { get; private set; }

    public int ApiPort { get; private set; }

    /// <summary>The silo's Orleans client port, where standalone gateways join.</summary>
    public int OrleansGatewayPort { get; } = TestServers.FreeTcpPort();

    public HttpClient Api { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>The running server's services (the silo's cluster client, the gateway's registries).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Server not started");

    public string RtmpUrl(string app, string stream) => $"rtmp://127.0.0.1:{RtmpPort}/{app}/{stream}";

    public string FlvUrl(string app, string stream) => $"http://127.0.0.1:{HttpPort}/{app}/{stream}.flv";

    /// <summary>The gateway's SRT port (UDP, picked free).</summary>
    public int SrtPort => Services.GetRequiredService<GatewayEndpoints>().SrtPort;

    /// <summary>The WebRTC UDP port (picked free).</summary>
    public int RtcPort => Services.GetRequiredService<GatewayEndpoints>().RtcPort;

    /// <summary>WHIP or WHEP on the API port, SRS's way: `/rtc/v1/whip/?app=APP&amp;stream=NAME`.</summary>
    public string WhipUrl(string app, string stream, bool publish, string extra = "") =>
        $"http://127.0.0.1:{ApiPort}/rtc/v1/{(publish ? "whip" : "whep")}/?app={app}&stream={stream}{extra}";

    /// <summary>An SRT URL with SRS's streamid for publishing or playing app/stream.</summary>
    public string SrtUrl(string app, string stream, bool publish, string extra = "") =>
        $"srt://127.0.0.1:{SrtPort}?streamid=#!::r={app}/{stream},m={(publish ? "publish" : "request")}{extra}";

    public virtual async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:ListenAddress"] = "127.0.0.1",
            ["Gateway:RtmpPort"] = RtmpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:HttpPort"] = "0",
            ["Gateway:SrtPort"] = "0",
            ["Gateway:RtcPort"] = "0",
            ["Gateway:RtcTcpPort"] = "0",
            ["Gateway:StatsIntervalMilliseconds"] = "200",
            // Tight slow-player limits so the stalled-reader test ends in seconds.
            ["Gateway:PlayerMaxLagMilliseconds"] = "3000",
            ["Gateway:PlayerMaxSkipsPerMinute"] = "2",
            ["Gateway:PlayerSendBufferBytes"] = "65536",
            ["Api:ListenAddress"] = "127.0.0.1",
            ["Api:Port"] = "0",
            ["Orleans:SiloPort"] = TestServers.FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = OrleansGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await AddForwardSettingsAsync(settings);
        AddSettings(settings);
        _app = ServerApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.AddProvider(Logs);
            ConfigureServices(builder.Services);
        });
        (RtmpPort, HttpPort, ApiPort) = await TestServers.StartAsync(_app);
        Api.BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}/");
    }

    /// <summary>Lets a derived fixture add or override configuration.</summary>
    protected virtual void AddSettings(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Lets a derived fixture register services before the server's own (which yield to them where they allow it).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async Task DisposeAsync()
    {
        Api.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        await ForwardBackend.DisposeAsync();
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var doc = JsonDocument.Parse(await Api.GetStringAsync(path));
        return doc.RootElement.Clone();
    }

    public Task<JsonElement?> FindStreamAsync(string app, string stream) => ApiLookups.FindStreamAsync(GetJsonAsync, app, stream);

    public Task<List<JsonElement>> FindClientsAsync(string stream) => ApiLookups.FindClientsAsync(GetJsonAsync, stream);
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
