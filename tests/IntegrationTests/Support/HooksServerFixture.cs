using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Hooks;
using OrleansLive.Silo;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// The all-in-one server with HTTP hooks to a <see cref="HookBackend"/>, a vhost with a security
/// rule, API authentication, the raw API with reload, and tight connection limits. Its vhost
/// settings come from two JSON files in a temp directory: <see cref="MainConfigPath"/> reloads by
/// itself when written (like appsettings.json), <see cref="OverrideConfigPath"/> is only re-read on
/// an explicit reload (raw API or SIGHUP) and overrides the first.
/// </summary>
public sealed class HooksServerFixture : IAsyncLifetime
{
    public const string Username = "admin";
    public const string Password = "s3cret";
    public const string Token = "t0ken-123";
    public const string SecureVhost = "secure.test";
    public const string HlsVhost = "hls.test";
    public const int MaxConnections = 8;
    public const int MaxConnectionsPerIpPerSecond = 40;
    public const int HookTimeoutMs = 1500;

    private readonly string _dir = Directory.CreateTempSubdirectory("orleanslive-hooks-").FullName;
    private WebApplication? _app;

    public HookBackend Backend { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public int RtmpPort { get; private set; }

    public int HttpPort { get; private set; }

    public int ApiPort { get; private set; }

    public int OrleansGatewayPort { get; } = TestServers.FreeTcpPort();

    /// <summary>An API client with basic auth credentials.</summary>
    public HttpClient Api { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    public string MainConfigPath => Path.Combine(_dir, "hooks.json");

    public string OverrideConfigPath => Path.Combine(_dir, "override.json");

    /// <summary>Where <see cref="HlsVhost"/> writes its playlists and segments.</summary>
    public string HlsPath => Path.Combine(_dir, "hls");

    public IServiceProvider Services => _app!.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    /// <summary>Notifications the silo has not delivered yet.</summary>
    public int PendingNotifications => Services.GetRequiredService<HttpHookClient>().PendingNotifications;

    public string RtmpUrl(string app, string stream) => $"rtmp://127.0.0.1:{RtmpPort}/{app}/{stream}";

    public string FlvUrl(string app, string stream) => $"http://127.0.0.1:{HttpPort}/{app}/{stream}.flv";

    /// <summary>An SRT URL of this server with an SRS streamid.</summary>
    public string SrtUrl(string streamId) =>
        $"srt://127.0.0.1:{Services.GetRequiredService<GatewayEdge.GatewayEndpoints>().SrtPort}?streamid={streamId}&pkt_size=1316";

    public async Task InitializeAsync()
    {
        await Backend.StartAsync();
        WriteMainConfig();
        WriteOverrideConfig("{}");
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:ListenAddress"] = "127.0.0.1",
            ["Gateway:RtmpPort"] = "0",
            ["Gateway:SrtPort"] = "0",
            ["Gateway:RtcPort"] = "0",
            ["Gateway:HttpPort"] = "0",
            ["Gateway:StatsIntervalMilliseconds"] = "200",
            ["Gateway:MaxConnections"] = MaxConnections.ToString(CultureInfo.InvariantCulture),
            ["Gateway:MaxConnectionsPerIpPerSecond"] = MaxConnectionsPerIpPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Api:ListenAddress"] = "127.0.0.1",
            ["Api:Port"] = "0",
            ["Api:Auth:Enabled"] = "true",
            ["Api:Auth:Username"] = Username,
            ["Api:Auth:Password"] = Password,
            ["Api:Auth:Token"] = Token,
            ["Api:RawApi:Enabled"] = "true",
            ["Api:RawApi:AllowReload"] = "true",
            ["Orleans:SiloPort"] = TestServers.FreeTcpPort().ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = OrleansGatewayPort.ToString(CultureInfo.InvariantCulture),
        };
        _app = ServerApp.Build([], builder =>
        {
            builder.Configuration.AddJsonFile(MainConfigPath, optional: false, reloadOnChange: true);
            builder.Configuration.AddJsonFile(OverrideConfigPath, optional: false, reloadOnChange: false);
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.AddProvider(Logs);
        });
        (RtmpPort, HttpPort, ApiPort) = await TestServers.StartAsync(_app);
        Api.BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}/");
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        await Backend.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Hooks for every event of the default vhost, of <see cref="SecureVhost"/> (which also
    /// denies publishing from 127.0.0.1) and of <see cref="HlsVhost"/> (which writes HLS). on_connect
    /// goes to "{connectPrefix}/on_connect"; on_publish to two URLs, "a/on_publish" then
    /// "b/on_publish/json".</summary>
    public void WriteMainConfig(string connectPrefix = "a")
    {
        JsonObject Hooks() => new()
        {
            ["Enabled"] = true,
            ["OnConnect"] = new JsonArray(Backend.Url($"{connectPrefix}/on_connect")),
            ["OnClose"] = new JsonArray(Backend.Url("a/on_close")),
            ["OnPublish"] = new JsonArray(Backend.Url("a/on_publish"), Backend.Url("b/on_publish/json")),
            ["OnUnpublish"] = new JsonArray(Backend.Url("a/on_unpublish")),
            ["OnPlay"] = new JsonArray(Backend.Url("a/on_play/json")),
            ["OnStop"] = new JsonArray(Backend.Url("a/on_stop")),
            ["OnDvr"] = new JsonArray(Backend.Url("a/on_dvr")),
            ["OnHls"] = new JsonArray(Backend.Url("a/on_hls/json")),
            ["TimeoutMs"] = HookTimeoutMs,
            ["NotifyRetries"] = 2,
        };
        var config = new JsonObject
        {
            ["Vhosts"] = new JsonObject
            {
                ["__defaultVhost__"] = new JsonObject { ["HttpHooks"] = Hooks() },
                [SecureVhost] = new JsonObject
                {
                    ["HttpHooks"] = Hooks(),
                    ["Security"] = new JsonObject { ["Enabled"] = true, ["Rules"] = new JsonArray("deny publish 127.0.0.1") },
                },
                [HlsVhost] = new JsonObject
                {
                    ["HttpHooks"] = Hooks(),
                    ["Hls"] = new JsonObject { ["Enabled"] = true, ["Fragment"] = 1, ["Path"] = HlsPath },
                },
            },
        };
        WriteAtomically(MainConfigPath, config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    public void WriteOverrideConfig(string json) => WriteAtomically(OverrideConfigPath, json);

    /// <summary>POST /api/v1/raw?rpc=reload; the reply's code.</summary>
    public async Task<JsonElement> ReloadAsync()
    {
        using var response = await Api.PostAsync("api/v1/raw?rpc=reload", null);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var doc = JsonDocument.Parse(await Api.GetStringAsync(path));
        return doc.RootElement.Clone();
    }

    public Task<JsonElement?> FindStreamAsync(string app, string stream) => ApiLookups.FindStreamAsync(GetJsonAsync, app, stream);

    public Task<List<JsonElement>> FindClientsAsync(string stream) => ApiLookups.FindClientsAsync(GetJsonAsync, stream);

    /// <summary>An RTMP connect to this app, as a player would start; true when the server answers
    /// _result, false when it closes the connection (refused).</summary>
    public async Task<bool> ConnectAsync(string app)
    {
        await using var client = await RawRtmpClient.ConnectAsync(RtmpPort);
        try
        {
            await client.HandshakeAsync();
            await client.ConnectAppAsync(RtmpPort, app);
            await client.ReadCommandAsync("_result", TimeSpan.FromSeconds(15));
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
        {
            return false;
        }
    }

    /// <summary>Writes beside the file and renames over it, so a watcher never reads half a file.</summary>
    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}

[CollectionDefinition(Name)]
public sealed class HooksCollection : ICollectionFixture<HooksServerFixture>
{
    public const string Name = "hooks server";
}
