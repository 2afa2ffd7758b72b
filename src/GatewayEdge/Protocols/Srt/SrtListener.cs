using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>
/// The gateway's SRT port (SRS <c>srt_server</c>): one <see cref="SrtServer"/> event loop for every SRT
/// socket. A streamid that does not parse is refused in the handshake; every accepted caller runs as an
/// <see cref="SrtSession"/> on its own task. Without libsrt on the machine SRT stays off, with a warning.
/// </summary>
public sealed class SrtListener : BackgroundService
{
    private readonly GatewayContext _gateway;
    private readonly GatewayEndpoints _endpoints;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<SrtListener> _logger;
    private SrtServer? _server;

    public SrtListener(GatewayContext gateway, GatewayEndpoints endpoints, ILoggerFactory loggers)
    {
        _gateway = gateway;
        _endpoints = endpoints;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SrtListener>();
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _gateway.Options;
        if (options.SrtPort < 0)
        {
            return Task.CompletedTask;
        }
        var settings = options.Srt;
        var serverOptions = settings.ToServerOptions(IPAddress.Parse(options.ListenAddress), options.SrtPort);
        serverOptions.Validate();
        var server = new SrtServer(serverOptions, _loggers.CreateLogger<SrtServer>(), handshake =>
            SrtStreamId.TryParse(handshake.StreamId, settings.DefaultApp, out _, out var reason)
                ? SrtHandshakeDecision.Accept
                : SrtHandshakeDecision.Reject($"bad streamid: {reason}", SrtRejectCodes.BadRequest));
        try
        {
            server.Start();
        }
        catch (DllNotFoundException ex)
        {
            // Bind before the host reports started, like RTMP; only a missing libsrt is survivable.
            _logger.LogWarning("SRT is off: libsrt is not installed ({Error}); apt-get install libsrt1.5-openssl", ex.Message);
            server.Dispose();
            return Task.CompletedTask;
        }
        _server = server;
        // SrtServer itself logs the bound port with its latency and encryption.
        _endpoints.SetSrt(server.LocalEndPoint!.Port);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var server = _server!;
        try
        {
            await foreach (var connection in server.Accepted.ReadAllAsync(stoppingToken))
            {
                var ip = connection.RemoteEndPoint?.Address;
                if (!_gateway.Limits.TryAdmit(ip, "SRT", out var admission))
                {
                    // Refused right after the handshake (SRS max_connections); the limiter logs it.
                    connection.Close();
                    continue;
                }
                var session = new SrtSession(connection, _gateway);
                _ = Task.Run(async () =>
                {
                    using (admission)
                    {
                        await session.RunAsync();
                    }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        _server?.Dispose();
    }
}
