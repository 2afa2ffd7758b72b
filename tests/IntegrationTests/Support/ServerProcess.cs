using System.Globalization;
using System.Text.Json;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// The all-in-one server (embedded silo and co-hosted gateway) as its own process, on free loopback
/// ports, for tests that measure the server alone (its memory) or read its console log as an operator
/// would. Subclasses add settings as command-line options.
/// </summary>
public abstract class ServerProcess : IAsyncLifetime
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private ExternalProcess? _process;

    public int RtmpPort { get; } = TestServers.FreeTcpPort();

    public int HttpPort { get; } = TestServers.FreeTcpPort();

    public int ApiPort { get; } = TestServers.FreeTcpPort();

    public int SrtPort { get; } = TestServers.FreeUdpPort();

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    public ExternalProcess Process => _process ?? throw new InvalidOperationException("server not started");

    /// <summary>The server's console log so far, one line per entry.</summary>
    public string[] LogLines => Process.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public bool Logged(string fragment) => Process.StdOut.Contains(fragment, StringComparison.Ordinal);

    /// <summary>The server process's resident set size in bytes (/proc/PID/status VmRSS).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new InvalidOperationException("no VmRSS in /proc status");
    }

    public string Rtmp(string app, string stream) => $"rtmp://127.0.0.1:{RtmpPort}/{app}/{stream}";

    public string Flv(string app, string stream) => $"http://127.0.0.1:{HttpPort}/{app}/{stream}.flv";

    public string Srt(string app, string stream, bool publish, string extra = "") =>
        $"srt://127.0.0.1:{SrtPort}?streamid=#!::r={app}/{stream},m={(publish ? "publish" : "request")}&pkt_size=1316{extra}";

    /// <summary>Options beyond the ports, as <c>--Key=Value</c>.</summary>
    protected abstract IEnumerable<string> Settings();

    /// <summary>A command the server is started under (e.g. prlimit with its options); empty: dotnet directly.</summary>
    protected virtual string[] Launcher => [];

    public async Task InitializeAsync()
    {
        static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
        string[] launcher = [.. Launcher, "dotnet"];
        _process = ExternalProcess.Start(launcher[0],
            [.. launcher[1..], Path.Combine(AppContext.BaseDirectory, "OrleansLive.Silo.dll"),
            "--Gateway:ListenAddress=127.0.0.1",
            $"--Gateway:RtmpPort={Port(RtmpPort)}",
            $"--Gateway:HttpPort={Port(HttpPort)}",
            $"--Gateway:SrtPort={Port(SrtPort)}",
            "--Gateway:RtcPort=0",
            "--Gateway:StatsIntervalMilliseconds=500",
            "--Api:ListenAddress=127.0.0.1",
            $"--Api:Port={Port(ApiPort)}",
            $"--Orleans:SiloPort={Port(TestServers.FreeTcpPort())}",
            $"--Orleans:GatewayPort={Port(TestServers.FreeTcpPort())}",
            .. Settings()]);
        await Wait.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"server exited: {_process.StdOut}{_process.StdErr}");
            }
            if (!Logged("HTTP streams listening") || !Logged("SRT listening"))
            {
                return false;
            }
            using var response = await Http.GetAsync($"http://127.0.0.1:{ApiPort}/api/v1/versions");
            return response.IsSuccessStatusCode;
        }, Deadline, "the server process listening");
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync($"http://127.0.0.1:{ApiPort}/{path}"));
        return doc.RootElement.Clone();
    }

    public Task<JsonElement?> FindStreamAsync(string app, string stream) => ApiLookups.FindStreamAsync(GetJsonAsync, app, stream);

    public Task<List<JsonElement>> FindClientsAsync(string stream) => ApiLookups.FindClientsAsync(GetJsonAsync, stream);
}
