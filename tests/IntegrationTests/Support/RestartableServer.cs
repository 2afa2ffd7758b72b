using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// The all-in-one server as its own process over its own redis-server (membership and grain state survive the process),
/// on fixed free ports, so a test can kill -9 it and start it again as an operator's supervisor would.
/// </summary>
public sealed class RestartableServer : IAsyncLifetime
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(3);

    private readonly string _clusterId = "crash-" + Ids.Random(6);
    private readonly int _siloPort = TestServers.FreeTcpPort();
    private readonly int _orleansGatewayPort = TestServers.FreeTcpPort();
    private ExternalProcess? _redis;
    private IReadOnlyList<string> _settings = [];

    public string Root { get; } = Directory.CreateTempSubdirectory("orleanslive-crash-").FullName;

    public int RedisPort { get; } = TestServers.FreeTcpPort();

    public int RtmpPort { get; } = TestServers.FreeTcpPort();

    public int HttpPort { get; } = TestServers.FreeTcpPort();

    public int ApiPort { get; } = TestServers.FreeTcpPort();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    public ExternalProcess? Process { get; private set; }

    public string Rtmp(string app, string stream, string? vhost = null) =>
        $"rtmp://127.0.0.1:{RtmpPort.ToString(CultureInfo.InvariantCulture)}/{app}/{stream}" + (vhost is null ? "" : $"?vhost={vhost}");

    public async Task InitializeAsync()
    {
        _redis = ExternalProcess.Start("redis-server",
            "--port", RedisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", Root, "--appendonly", "yes", "--appendfsync", "always", "--save", "");
        await Wait.UntilAsync(PingRedisAsync, Deadline, "redis-server");
    }

    /// <summary>Starts the server with these extra <c>--Key=Value</c> settings, kept for later restarts, and waits until it serves.</summary>
    public async Task StartAsync(IReadOnlyList<string>? settings = null)
    {
        _settings = settings ?? _settings;
        static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        var process = ExternalProcess.Start("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "OrleansLive.Silo.dll"),
            $"--Redis:ConnectionString=127.0.0.1:{Port(RedisPort)}",
            $"--Orleans:ClusterId={_clusterId}",
            "--Orleans:ServiceId=orleans-live-crash-tests",
            $"--Orleans:SiloPort={Port(_siloPort)}",
            $"--Orleans:GatewayPort={Port(_orleansGatewayPort)}",
            "--Orleans:Membership:ProbeTimeout=00:00:01",
            "--Orleans:Membership:NumMissedProbesLimit=2",
            "--Orleans:Membership:NumVotesForDeathDeclaration=1",
            "--Gateway:ListenAddress=127.0.0.1",
            $"--Gateway:RtmpPort={Port(RtmpPort)}",
            $"--Gateway:HttpPort={Port(HttpPort)}",
            "--Gateway:SrtPort=-1",
            "--Gateway:RtcPort=-1",
            "--Gateway:StatsIntervalMilliseconds=500",
            "--Api:ListenAddress=127.0.0.1",
            $"--Api:Port={Port(ApiPort)}",
            $"--Streams:LeaseTimeout={LeaseTimeout}",
            .. _settings]);
        Process = process;
        await Wait.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"server exited: {process.StdOut}{process.StdErr}");
            }
            return process.StdOut.Contains("HTTP streams listening", StringComparison.Ordinal)
                && await TestServers.IsOkAsync(Http, $"http://127.0.0.1:{Port(ApiPort)}/api/v1/versions");
        }, Deadline, "the server process serving");
    }

    /// <summary>SIGKILL: no shutdown code runs, files stay as the last write left them.</summary>
    public async Task KillAsync()
    {
        var process = Process ?? throw new InvalidOperationException("server not started");
        await using (var kill = ExternalProcess.Start("kill", "-KILL", process.Id.ToString(CultureInfo.InvariantCulture)))
        {
            Assert.True(await kill.WaitForExitAsync(Deadline));
        }
        Assert.True(await process.WaitForExitAsync(Deadline), "the server should die at once");
        await process.DisposeAsync();
        Process = null;
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync($"http://127.0.0.1:{ApiPort.ToString(CultureInfo.InvariantCulture)}/{path}"));
        return doc.RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A late write by redis can race the delete.
        }
    }

    private async Task<bool> PingRedisAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", RedisPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("PING\r\n"));
        var buffer = new byte[16];
        var read = await stream.ReadAsync(buffer);
        return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
    }
}
