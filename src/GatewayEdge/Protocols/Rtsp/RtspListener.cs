using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>Accepts RTSP connections on <see cref="GatewayOptions.RtspPort"/> (off while it is 0) and
/// runs each on its own task, within the gateway's connection and descriptor limits.</summary>
public sealed class RtspListener : BackgroundService
{
    private static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(100);
    private readonly GatewayContext _gateway;
    private readonly GatewayEndpoints _endpoints;
    private readonly DescriptorBudget _descriptors;
    private readonly ILogger<RtspListener> _logger;
    private readonly ReasonLog _acceptLog;
    private Socket? _listener;

    public RtspListener(GatewayContext gateway, GatewayEndpoints endpoints, DescriptorBudget descriptors, ILogger<RtspListener> logger)
    {
        _gateway = gateway;
        _endpoints = endpoints;
        _descriptors = descriptors;
        _logger = logger;
        _acceptLog = new ReasonLog(logger);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (_gateway.Options.RtspPort <= 0)
        {
            return Task.CompletedTask;
        }
        // Bound before the host reports started, so a port clash fails startup loudly.
        var address = IPAddress.Parse(_gateway.Options.ListenAddress);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, _gateway.Options.RtspPort));
        _listener.Listen(512);
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _endpoints.SetRtsp(port);
        _logger.LogInformation("RTSP listening on {Address}:{Port} (experimental)", address, port);
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
                if (_acceptLog.TryTake(ex.SocketErrorCode.ToString(), $"RTSP accepts failed ({ex.SocketErrorCode})"))
                {
                    _logger.LogWarning(ex, "RTSP accept failed ({Error}); pausing accepts for {Pause} ms", ex.SocketErrorCode, AcceptPause.TotalMilliseconds);
                }
                await Task.Delay(AcceptPause, CancellationToken.None);
                continue;
            }
            if (!_descriptors.TryTake())
            {
                client.Dispose();
                if (_gateway.Drops.Drop("rtsp", ConnectionDrops.Descriptors))
                {
                    _logger.LogWarning("RTSP connection closed at once: {Open} client connections open, the most the descriptor limit leaves room for", _descriptors.Capacity);
                }
                continue;
            }
            if (!_gateway.Limits.TryAdmit((client.RemoteEndPoint as IPEndPoint)?.Address, "RTSP", out var admission))
            {
                client.Dispose();
                _descriptors.Release();
                continue;
            }
            client.NoDelay = true;
            _ = Task.Run(async () =>
            {
                try
                {
                    using (admission)
                    {
                        var connection = new RtspConnection(client, _gateway);
                        using var stopping = stoppingToken.Register(static c => ((RtspConnection)c!).Kick(), connection);
                        await connection.RunAsync();
                    }
                }
                finally
                {
                    _descriptors.Release();
                }
            }, CancellationToken.None);
        }
    }
}
