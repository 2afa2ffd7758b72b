using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace OrleansLive.LoadTool.Drills;

/// <summary>One process of the chaos cluster and its ports.</summary>
public sealed class ChaosNode(string name, string role)
{
    public string Name { get; } = name;

    /// <summary>silo, gateway or redis.</summary>
    public string Role { get; } = role;

    public int SiloPort { get; init; }

    public int ClientPort { get; init; }

    public int ApiPort { get; init; }

    /// <summary>Gateway: where clients connect.</summary>
    public GatewayPorts? Gateway { get; init; }

    public int RtcPort { get; init; }

    public DrillProcess? Process { get; set; }

    public bool Running => Process is { HasExited: false };

    public int Starts { get; set; }
}

/// <summary>
/// redis-server, silos (Redis membership and storage, no gateway of their own) and standalone
/// gateways, each its own process on free loopback ports, started as tests/IntegrationTests'
/// LocalCluster starts them (fast failure detection, short publish leases), killed and restarted on
/// demand. Each process logs to its own file in the work directory.
/// </summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    public static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(120);

    private readonly ChaosOptions _options;
    private readonly string _dir;
    private readonly string _clusterId = "chaos-" + Guid.NewGuid().ToString("N")[..6];

    public ChaosCluster(ChaosOptions options, string dir)
    {
        _options = options;
        _dir = dir;
        Redis = new ChaosNode("redis", "redis") { ApiPort = FreePorts.Tcp() };
        Silos = [.. Enumerable.Range(0, options.Silos).Select(i => new ChaosNode($"silo-{i}", "silo")
        {
            SiloPort = FreePorts.Tcp(),
            ClientPort = FreePorts.Tcp(),
            ApiPort = FreePorts.Tcp(),
        })];
        Gateways = [.. Enumerable.Range(0, options.Gateways).Select(i => new ChaosNode($"gateway-{i}", "gateway")
        {
            Gateway = new GatewayPorts($"gateway-{i}", FreePorts.Tcp(), FreePorts.Tcp(), FreePorts.Udp()),
            RtcPort = FreePorts.Udp(),
        })];
    }

    public ChaosNode Redis { get; }

    public IReadOnlyList<ChaosNode> Silos { get; }

    public IReadOnlyList<ChaosNode> Gateways { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public ChaosNode Node(string name) => name == "redis" ? Redis : Silos.Concat(Gateways).Single(n => n.Name == name);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StartAsync(Redis, cancellationToken);
        foreach (var silo in Silos)
        {
            Launch(silo);
        }
        foreach (var silo in Silos)
        {
            await WaitReadyAsync(silo, cancellationToken);
        }
        foreach (var gateway in Gateways)
        {
            Launch(gateway);
        }
        foreach (var gateway in Gateways)
        {
            await WaitReadyAsync(gateway, cancellationToken);
        }
    }

    /// <summary>Starts the node and waits until it serves: redis answers PING, a silo its API, a gateway /readyz.</summary>
    public async Task StartAsync(ChaosNode node, CancellationToken cancellationToken)
    {
        Launch(node);
        await WaitReadyAsync(node, cancellationToken);
    }

    /// <summary>kill -9 (redis-server: SIGTERM, so it writes its append-only file as a restart would).</summary>
    public async Task StopAsync(ChaosNode node)
    {
        if (node.Role == "redis")
        {
            await node.Process!.StopAsync(TimeSpan.FromSeconds(30));
            return;
        }
        node.Process!.Kill();
        await node.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>The first answer of any running silo's API.</summary>
    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        Exception? last = null;
        foreach (var silo in Silos.Where(s => s.Running))
        {
            try
            {
                using var doc = JsonDocument.Parse(await Http.GetStringAsync($"http://127.0.0.1:{silo.ApiPort}/{path}", cancellationToken));
                return doc.RootElement.Clone();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                last = ex;
            }
        }
        throw new IOException("no silo answered " + path, last);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Gateways.Concat(Silos).Append(Redis))
        {
            if (node.Process is { } process)
            {
                await (node.Role == "redis" ? StopQuietlyAsync(process) : process.DisposeAsync());
            }
        }
        Http.Dispose();
    }

    private static async ValueTask StopQuietlyAsync(DrillProcess process)
    {
        await process.StopAsync(TimeSpan.FromSeconds(10));
        await process.DisposeAsync();
    }

    private void Launch(ChaosNode node)
    {
        static string P(int port) => port.ToString(CultureInfo.InvariantCulture);
        var lease = TimeSpan.FromSeconds(_options.LeaseTimeoutSeconds).ToString("c", CultureInfo.InvariantCulture);
        string[] common = [$"--Redis:ConnectionString=127.0.0.1:{P(Redis.ApiPort)}", $"--Orleans:ClusterId={_clusterId}", "--Orleans:ServiceId=orleans-live-chaos"];
        var (file, args) = node.Role switch
        {
            "redis" => ("redis-server", new[]
            {
                "--port", P(node.ApiPort), "--bind", "127.0.0.1", "--dir", _dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            }),
            "silo" => ("dotnet", [
                Path.GetFullPath(_options.SiloDll), .. common,
                "--Gateway:Enabled=false",
                $"--Orleans:SiloPort={P(node.SiloPort)}",
                $"--Orleans:GatewayPort={P(node.ClientPort)}",
                "--Api:ListenAddress=127.0.0.1",
                $"--Api:Port={P(node.ApiPort)}",
                $"--Streams:LeaseTimeout={lease}",
                $"--Gateways:LivenessTimeout={lease}",
                "--Orleans:Membership:ProbeTimeout=00:00:01",
                "--Orleans:Membership:NumMissedProbesLimit=2",
                "--Orleans:Membership:NumVotesForDeathDeclaration=1",
                "--Orleans:Membership:IAmAliveTablePublishTimeout=00:00:05",
            ]),
            _ => ("dotnet", [
                Path.GetFullPath(_options.GatewayDll), .. common,
                $"--Gateway:Id={node.Name}",
                "--Gateway:ListenAddress=127.0.0.1",
                $"--Gateway:RtmpPort={P(node.Gateway!.Rtmp)}",
                $"--Gateway:HttpPort={P(node.Gateway.Http)}",
                $"--Gateway:SrtPort={P(node.Gateway.Srt)}",
                $"--Gateway:RtcPort={P(node.RtcPort)}",
                "--Gateway:StatsIntervalMilliseconds=500",
                "--Gateway:HeartbeatIntervalSeconds=1",
            ]),
        };
        node.Starts++;
        node.Process = DrillProcess.Start(node.Name, file, args, Path.Combine(_dir, node.Name + ".log"), _dir);
    }

    private async Task WaitReadyAsync(ChaosNode node, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < ReadyDeadline)
        {
            if (!node.Running)
            {
                throw new InvalidOperationException($"{node.Name} exited while starting (see {node.Process?.LogPath})");
            }
            if (await ReadyAsync(node, cancellationToken))
            {
                return;
            }
            await Task.Delay(200, cancellationToken);
        }
        throw new TimeoutException($"{node.Name} not ready within {ReadyDeadline.TotalSeconds} s (see {node.Process?.LogPath})");
    }

    private async Task<bool> ReadyAsync(ChaosNode node, CancellationToken cancellationToken)
    {
        try
        {
            if (node.Role == "redis")
            {
                using var tcp = new System.Net.Sockets.TcpClient();
                await tcp.ConnectAsync(System.Net.IPAddress.Loopback, node.ApiPort, cancellationToken);
                var stream = tcp.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer, cancellationToken);
                return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
            }
            var url = node.Role == "silo" ? $"http://127.0.0.1:{node.ApiPort}/api/v1/versions" : $"http://127.0.0.1:{node.Gateway!.Http}/readyz";
            using var response = await Http.GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
