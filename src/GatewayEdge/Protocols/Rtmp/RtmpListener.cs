using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Tls;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>Accepts RTMP connections on the configured port, and RTMPS (RTMP inside TLS) on
/// <see cref="GatewayOptions.RtmpsPort"/> when set, and runs each on its own task.</summary>
public sealed class RtmpListener : BackgroundService
{
    private readonly GatewayContext _gateway;
    private readonly GatewayEndpoints _endpoints;
    private readonly ServerCertificate _certificate;
    private readonly ILogger<RtmpListener> _logger;
    private static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(100);
    private readonly ReasonLog _acceptLog;
    private readonly DescriptorBudget _descriptors;
    private Socket? _listener;
    private Socket? _tlsListener;

    public RtmpListener(GatewayContext gateway, GatewayEndpoints endpoints, ServerCertificate certificate, DescriptorBudget descriptors, ILogger<RtmpListener> logger)
    {
        _descriptors = descriptors;
        _gateway = gateway;
        _endpoints = endpoints;
        _certificate = certificate;
        _logger = logger;
        _acceptLog = new ReasonLog(logger);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bind before the host reports started, so a port clash fails startup loudly.
        var address = IPAddress.Parse(_gateway.Options.ListenAddress);
        if (_gateway.Options.RtmpsPort >= 0)
        {
            // Loaded (or generated) now, so a bad certificate file fails startup too.
            _ = _certificate.Certificate;
            _tlsListener = Bind(address, _gateway.Options.RtmpsPort);
            var tlsPort = ((IPEndPoint)_tlsListener.LocalEndPoint!).Port;
            _endpoints.SetRtmps(tlsPort);
            _logger.LogInformation("RTMPS listening on {Address}:{Port}", address, tlsPort);
        }
        _listener = Bind(address, _gateway.Options.RtmpPort);
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _endpoints.SetRtmp(port);
        _logger.LogInformation("RTMP listening on {Address}:{Port}", address, port);
        return base.StartAsync(cancellationToken);
    }

    private static Socket Bind(IPAddress address, int port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, port));
        socket.Listen(1024);
        return socket;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _tlsListener is null
            ? AcceptLoopAsync(_listener!, tls: false, stoppingToken)
            : Task.WhenAll(AcceptLoopAsync(_listener!, tls: false, stoppingToken), AcceptLoopAsync(_tlsListener, tls: true, stoppingToken));

    private async Task AcceptLoopAsync(Socket listener, bool tls, CancellationToken stoppingToken)
    {
        using var stop = stoppingToken.Register(listener.Dispose);
        var protocol = tls ? "RTMPS" : "RTMP";
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
                // Out of descriptors (or kernel buffers) fails every accept at once until connections close: pause
                // instead of spinning, and log once per window, not once per attempt.
                if (_acceptLog.TryTake(ex.SocketErrorCode.ToString(), $"{protocol} accepts failed ({ex.SocketErrorCode})"))
                {
                    _logger.LogWarning(ex, "{Protocol} accept failed ({Error}); pausing accepts for {Pause} ms", protocol, ex.SocketErrorCode, AcceptPause.TotalMilliseconds);
                }
                await Task.Delay(AcceptPause, CancellationToken.None);
                continue;
            }
            if (!_descriptors.TryTake())
            {
                client.Dispose();
                if (_gateway.Drops.Drop(protocol.ToLowerInvariant(), ConnectionDrops.Descriptors))
                {
                    _logger.LogWarning("{Protocol} connection closed at once: {Open} client connections open, the most the descriptor limit leaves room for", protocol, _descriptors.Capacity);
                }
                continue;
            }
            if (!_gateway.Limits.TryAdmit((client.RemoteEndPoint as IPEndPoint)?.Address, protocol, out var admission))
            {
                // Refused at once, before the handshake (SRS max_connections); the limiter logs it.
                client.Dispose();
                _descriptors.Release();
                continue;
            }
            client.NoDelay = true;
            _ = Task.Run(async () =>
            {
                using var descriptor = new DescriptorHeld(_descriptors);
                using (admission)
                {
                    var secure = tls ? await AuthenticateAsync(client) : null;
                    if (tls && secure is null)
                    {
                        return;
                    }
                    var connection = new RtmpConnection(client, _gateway, secure);
                    // A connection still in its handshake is not registered for kicks yet; stopping closes it too.
                    using var stopping = stoppingToken.Register(static c => ((RtmpConnection)c!).Kick(), connection);
                    await connection.RunAsync();
                }
            }, CancellationToken.None);
        }
    }

    /// <summary>The TLS handshake of an RTMPS client, within the RTMP handshake timeout; null (and the
    /// socket closed) when it fails.</summary>
    private async Task<SslStream?> AuthenticateAsync(Socket client)
    {
        var tls = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_gateway.Options.HandshakeTimeoutSeconds));
            await tls.AuthenticateAsServerAsync(_certificate.ServerOptions(), timeout.Token);
            return tls;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            var drop = ex is OperationCanceledException ? ConnectionDrops.HandshakeTimeout : ConnectionDrops.HandshakeError;
            if (_gateway.Drops.Drop("rtmps", drop))
            {
                _logger.LogInformation("RTMPS TLS handshake with {Peer} failed: {Reason}", client.RemoteEndPoint, ex.Message);
            }
            await tls.DisposeAsync();
            return null;
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

    /// <summary>Gives the connection's place in the descriptor budget back when it ends.</summary>
    private readonly struct DescriptorHeld(DescriptorBudget budget) : IDisposable
    {
        public void Dispose() => budget.Release();
    }
}
