using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>Accepts RTMP connections on the configured port and runs each on its own task.</summary>
public sealed class RtmpListener : BackgroundService
{
    private readonly GatewayContext _gateway;
    private readonly GatewayEndpoints _endpoints;
    private readonly ILogger<RtmpListener> _logger;
    private Socket? _listener;

    public RtmpListener(GatewayContext gateway, GatewayEndpoints endpoints, ILogger<RtmpListener> logger)
    {
        _gateway = gateway;
        _endpoints = endpoints;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bind before the host reports started, so a port clash fails startup loudly.
        var address = IPAddress.Parse(_gateway.Options.ListenAddress);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, _gateway.Options.RtmpPort));
        _listener.Listen(1024);
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _endpoints.SetRtmp(port);
        _logger.LogInformation("RTMP listening on {Address}:{Port}", address, port);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        using var stop = stoppingToken.Register(listener.Dispose);
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stoppingToken);
            }
            catch (Exception ex) when (stoppingToken.IsCancellationRequested || ex is ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                _logger.LogWarning(ex, "RTMP accept failed");
                continue;
            }
            if (!_gateway.Limits.TryAdmit((client.RemoteEndPoint as IPEndPoint)?.Address, "RTMP", out var admission))
            {
                // Refused at once, before the handshake (SRS max_connections); the limiter logs it.
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            var connection = new RtmpConnection(client, _gateway);
            _ = Task.Run(async () =>
            {
                using (admission)
                {
                    await connection.RunAsync();
                }
            }, CancellationToken.None);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var connection in _gateway.Connections.All)
        {
            connection.Kick();
        }
    }
}
