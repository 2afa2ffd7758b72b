using System.Net;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Srt;

/// <summary>An <see cref="SrtServer"/> on a free loopback UDP port with its log lines captured.</summary>
public sealed class SrtTestServer : IDisposable
{
    private readonly ILoggerFactory _loggers;

    public SrtTestServer(SrtServerOptions? options = null, Func<SrtHandshake, SrtHandshakeDecision>? validator = null)
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Information));
        // Port 0: libsrt binds a free port and the server reports it, so no other test can race for it.
        Server = new SrtServer((options ?? new SrtServerOptions()) with { BindAddress = IPAddress.Loopback, Port = 0 },
            _loggers.CreateLogger<SrtServer>(), validator);
        Server.Start();
        Port = Server.LocalEndPoint!.Port;
    }

    public SrtServer Server { get; }

    public CapturedLogs Logs { get; } = new();

    public int Port { get; }

    public string Url(string streamId, string extra = "") =>
        $"srt://127.0.0.1:{Port}?streamid={streamId}&pkt_size=1316{extra}";

    public bool Logged(string fragment) => Logs.Lines.Any(l => l.Message.Contains(fragment, StringComparison.Ordinal));

    public string AllLogs => string.Join('\n', Logs.Lines.Select(l => $"{l.Level}: {l.Message}"));

    public async Task<SrtConnection> NextConnectionAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await Server.Accepted.ReadAsync(cts.Token);
    }

    public void Dispose()
    {
        Server.Dispose();
        _loggers.Dispose();
    }
}
