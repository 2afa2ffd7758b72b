using System.Net;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Metrics;

/// <summary>Processes of their own: a standalone gateway whose silo comes later (/readyz 503, then
/// 200), and a silo with SRS's exporter port on.</summary>
public sealed class ProbeProcessTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private async Task<HttpStatusCode?> StatusAsync(string url)
    {
        try
        {
            using var response = await _http.GetAsync(url);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static ExternalProcess StartSilo(int orleansGatewayPort, int apiPort, params string[] more) => ExternalProcess.Start("dotnet",
        [Path.Combine(AppContext.BaseDirectory, "OrleansLive.Silo.dll"),
        "--Gateway:Enabled=false",
        $"--Orleans:SiloPort={TestServers.FreeTcpPort()}",
        $"--Orleans:GatewayPort={orleansGatewayPort}",
        "--Api:ListenAddress=127.0.0.1",
        $"--Api:Port={apiPort}",
        .. more]);

    [Fact]
    public async Task A_standalone_gateway_is_not_ready_until_its_silo_is_up()
    {
        var orleansGatewayPort = TestServers.FreeTcpPort();
        var httpPort = TestServers.FreeTcpPort();
        await using var gateway = ExternalProcess.Start("dotnet", Path.Combine(AppContext.BaseDirectory, "OrleansLive.GatewayEdge.dll"),
            $"--Orleans:Gateways:0=127.0.0.1:{orleansGatewayPort}",
            "--Gateway:ListenAddress=127.0.0.1",
            $"--Gateway:RtmpPort={TestServers.FreeTcpPort()}",
            "--Gateway:SrtPort=0",
            "--Gateway:RtcPort=-1",
            $"--Gateway:HttpPort={httpPort}");
        var readyz = $"http://127.0.0.1:{httpPort}/readyz";
        await Wait.UntilAsync(async () => gateway.HasExited ? throw new InvalidOperationException(gateway.StdOut + gateway.StdErr)
            : await StatusAsync(readyz) == HttpStatusCode.ServiceUnavailable, Deadline, "gateway /readyz answering 503 without a silo");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"http://127.0.0.1:{httpPort}/healthz"));

        await using var silo = StartSilo(orleansGatewayPort, TestServers.FreeTcpPort());
        await Wait.UntilAsync(async () => silo.HasExited ? throw new InvalidOperationException(silo.StdOut + silo.StdErr)
            : await StatusAsync(readyz) == HttpStatusCode.OK, Deadline, "gateway /readyz 200 once the silo is up");

        // The gateway's own metrics on its HTTP port.
        using var metrics = await _http.GetAsync($"http://127.0.0.1:{httpPort}/metrics");
        var text = PrometheusText.Parse(await metrics.Content.ReadAsStringAsync());
        Assert.Equal("gauge", text.Types["live_gateway_streams"]);
        Assert.Equal("counter", text.Types["live_gateway_connections_refused_total"]);
    }

    [Fact]
    public async Task The_exporter_port_serves_metrics_without_api_auth_and_nothing_else()
    {
        var (apiPort, exporterPort) = (TestServers.FreeTcpPort(), TestServers.FreeTcpPort());
        await using var silo = StartSilo(TestServers.FreeTcpPort(), apiPort,
            "--Exporter:Enabled=true", $"--Exporter:Listen={exporterPort}",
            "--Api:Auth:Enabled=true", "--Api:Auth:Username=admin", "--Api:Auth:Password=secret");
        await Wait.UntilAsync(async () => silo.HasExited ? throw new InvalidOperationException(silo.StdOut + silo.StdErr)
            : await StatusAsync($"http://127.0.0.1:{apiPort}/readyz") == HttpStatusCode.OK, Deadline, "silo ready");

        using var metrics = await _http.GetAsync($"http://127.0.0.1:{exporterPort}/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var text = PrometheusText.Parse(await metrics.Content.ReadAsStringAsync());
        Assert.Equal(1, text.Sum("srs_build_info"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"http://127.0.0.1:{exporterPort}/api/v1/versions"));
        // The API port keeps its authentication for /metrics; the probes stay open.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync($"http://127.0.0.1:{apiPort}/metrics"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync($"http://127.0.0.1:{apiPort}/healthz"));
    }
}
