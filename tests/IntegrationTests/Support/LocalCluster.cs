using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// A real cluster on loopback, as production runs it: redis-server, two silos (Redis membership and
/// storage, no co-hosted gateway) and two standalone gateways, each its own process so tests can
/// kill -9 any of them and start it again.
/// </summary>
public sealed class LocalCluster : IAsyncLifetime
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(6);

    private readonly string _dir = Directory.CreateTempSubdirectory("orleanslive-cluster-").FullName;
    private readonly string _clusterId = "test-" + Ids.Random(6);
    private ExternalProcess? _redis;

    public int RedisPort { get; } = TestServers.FreeTcpPort();

    public Node[] Silos { get; } = [new("silo-a", TestServers.FreeTcpPort(), TestServers.FreeTcpPort(), TestServers.FreeTcpPort()), new("silo-b", TestServers.FreeTcpPort(), TestServers.FreeTcpPort(), TestServers.FreeTcpPort())];

    public Node[] Gateways { get; } = [new("gateway-a", TestServers.FreeTcpPort(), TestServers.FreeTcpPort(), TestServers.FreeUdpPort()), new("gateway-b", TestServers.FreeTcpPort(), TestServers.FreeTcpPort(), TestServers.FreeUdpPort())];

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public sealed class Node(string name, int port1, int port2, int port3)
    {
        public string Name { get; } = name;

        /// <summary>Silo: Orleans silo port. Gateway: RTMP port.</summary>
        public int Port1 { get; } = port1;

        /// <summary>Silo: Orleans client port. Gateway: HTTP port.</summary>
        public int Port2 { get; } = port2;

        /// <summary>Silo: HTTP API port. Gateway: SRT port (UDP).</summary>
        public int Port3 { get; } = port3;

        /// <summary>Gateway: WebRTC port (UDP).</summary>
        public int RtcPort { get; } = TestServers.FreeUdpPort();

        /// <summary>WHIP or WHEP on this gateway's HTTP port.</summary>
        public string Whip(string app, string stream, bool publish) =>
            $"http://127.0.0.1:{Port2}/rtc/v1/{(publish ? "whip" : "whep")}/?app={app}&stream={stream}";

        public ExternalProcess? Process { get; set; }

        public bool Running => Process is { HasExited: false };

        public string Rtmp(string app, string stream) => $"rtmp://127.0.0.1:{Port1}/{app}/{stream}";

        public string Flv(string app, string stream) => $"http://127.0.0.1:{Port2}/{app}/{stream}.flv";

        /// <summary>An SRT URL with SRS's streamid for publishing or playing app/stream on this gateway.</summary>
        public string Srt(string app, string stream, bool publish) =>
            $"srt://127.0.0.1:{Port3}?streamid=#!::r={app}/{stream},m={(publish ? "publish" : "request")}&pkt_size=1316";

        public string Api(string path) => $"http://127.0.0.1:{Port3}/{path}";
    }

    public async Task InitializeAsync()
    {
        await StartRedisAsync();
        foreach (var silo in Silos)
        {
            StartSilo(silo);
        }
        foreach (var silo in Silos)
        {
            await WaitSiloAsync(silo);
        }
        foreach (var gateway in Gateways)
        {
            StartGateway(gateway);
        }
        foreach (var gateway in Gateways)
        {
            await WaitGatewayAsync(gateway);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Gateways.Concat(Silos))
        {
            if (node.Process is { } p)
            {
                await p.DisposeAsync();
            }
        }
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        Http.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a late write by redis can race the delete.
        }
    }

    /// <summary>Restarts whatever an earlier test killed, so each test starts from a whole cluster.</summary>
    public async Task EnsureAllRunningAsync()
    {
        if (_redis is null || _redis.HasExited)
        {
            await StartRedisAsync();
        }
        foreach (var silo in Silos.Where(s => !s.Running))
        {
            StartSilo(silo);
            await WaitSiloAsync(silo);
        }
        foreach (var gateway in Gateways.Where(g => !g.Running))
        {
            StartGateway(gateway);
            await WaitGatewayAsync(gateway);
        }
    }

    /// <summary>The silo's own settings file (a copy of the shipped appsettings.json, watched for edits),
    /// so a test can change one silo's configuration.</summary>
    public string ConfigFile(Node silo) => Path.Combine(_dir, silo.Name + ".json");

    public void StartSilo(Node silo)
    {
        if (!File.Exists(ConfigFile(silo)))
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), ConfigFile(silo));
        }
        silo.Process = ExternalProcess.Start("dotnet", SiloArgs(silo));
    }

    private string[] SiloArgs(Node silo) =>
        [Path.Combine(AppContext.BaseDirectory, "OrleansLive.Silo.dll"),
        "--config", ConfigFile(silo),
        .. Common(),
        "--Gateway:Enabled=false",
        $"--Orleans:SiloPort={silo.Port1}",
        $"--Orleans:GatewayPort={silo.Port2}",
        "--Api:ListenAddress=127.0.0.1",
        $"--Api:Port={silo.Port3}",
        $"--Streams:LeaseTimeout={LeaseTimeout}",
        $"--Gateways:LivenessTimeout={LeaseTimeout}",
        "--Orleans:Membership:ProbeTimeout=00:00:01",
        "--Orleans:Membership:NumMissedProbesLimit=2",
        "--Orleans:Membership:NumVotesForDeathDeclaration=1",
        "--Orleans:Membership:IAmAliveTablePublishTimeout=00:00:05"];

    public void StartGateway(Node gateway) => gateway.Process = ExternalProcess.Start("dotnet",
        [Path.Combine(AppContext.BaseDirectory, "OrleansLive.GatewayEdge.dll"),
        .. Common(),
        $"--Gateway:Id={gateway.Name}",
        "--Gateway:ListenAddress=127.0.0.1",
        $"--Gateway:RtmpPort={gateway.Port1}",
        $"--Gateway:SrtPort={gateway.Port3}",
        $"--Gateway:RtcPort={gateway.RtcPort}",
        $"--Gateway:HttpPort={gateway.Port2}",
        "--Gateway:StatsIntervalMilliseconds=500",
        "--Gateway:HeartbeatIntervalSeconds=1"]);

    public async Task WaitSiloAsync(Node silo) =>
        await Wait.UntilAsync(async () =>
        {
            if (!silo.Running)
            {
                throw new InvalidOperationException($"{silo.Name} exited: {silo.Process?.StdOut}");
            }
            using var response = await Http.GetAsync(silo.Api("api/v1/versions"));
            return response.IsSuccessStatusCode;
        }, Deadline, $"{silo.Name} API");

    /// <summary>Until the gateway's /readyz answers 200: its HTTP port opens before it reaches a silo.</summary>
    public async Task WaitGatewayAsync(Node gateway) =>
        await Wait.UntilAsync(
            async () => gateway.Running ? await TestServers.IsOkAsync(Http, $"http://127.0.0.1:{gateway.Port2}/readyz") : throw new InvalidOperationException($"{gateway.Name} exited: {gateway.Process?.StdOut}"),
            Deadline, $"{gateway.Name} ready");

    public async Task StartRedisAsync()
    {
        _redis = ExternalProcess.Start("redis-server",
            "--port", RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", _dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "");
        await Wait.UntilAsync(PingRedisAsync, Deadline, "redis-server");
    }

    /// <summary>Stops redis-server the normal way (it flushes its append-only file first).</summary>
    public async Task StopRedisAsync()
    {
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, RedisPort);
            await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes("SHUTDOWN\r\n"));
        }
        Assert.True(await _redis!.WaitForExitAsync(Deadline), "redis-server should stop");
    }

    /// <summary>The first answer from any running silo's API.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        Exception? last = null;
        foreach (var silo in Silos.Where(s => s.Running))
        {
            try
            {
                using var doc = JsonDocument.Parse(await Http.GetStringAsync(silo.Api(path)));
                return doc.RootElement.Clone();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex;
            }
        }
        throw new InvalidOperationException("no silo answered " + path, last);
    }

    public Task<JsonElement?> FindStreamAsync(string app, string stream) => ApiLookups.FindStreamAsync(GetJsonAsync, app, stream);

    public Task<List<JsonElement>> FindClientsAsync(string stream) => ApiLookups.FindClientsAsync(GetJsonAsync, stream);

    private string[] Common() =>
        [$"--Redis:ConnectionString=127.0.0.1:{RedisPort}", $"--Orleans:ClusterId={_clusterId}", "--Orleans:ServiceId=orleans-live-tests"];

    private async Task<bool> PingRedisAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, RedisPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<LocalCluster>
{
    public const string Name = "cluster";
}
