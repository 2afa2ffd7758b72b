using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// One RTMP client from handshake to close: reads chunks through a pipe, answers commands, and
/// either publishes into a stream hub or plays from one. Any protocol error ends this connection
/// only, with a log line carrying the client id.
/// </summary>
public sealed partial class RtmpConnection : IClientConnection
{
    /// <summary>Chunk streams of our own command traffic (media uses the ones in <see cref="RtmpWireForm"/>).</summary>
    private const int ControlCsid = 2;
    private const int CommandCsid = 3;
    private const int StreamCsid = 5;

    private readonly Socket _socket;
    private readonly GatewayContext _gateway;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closed = new();
    private readonly RtmpSession _session;
    private readonly string _ip;
    private ClientSession? _client;

    /// <param name="tls">RTMPS: the TLS stream over <paramref name="socket"/>, handshake done; null for plain RTMP.</param>
    public RtmpConnection(Socket socket, GatewayContext gateway, Stream? tls = null)
    {
        _socket = socket;
        _gateway = gateway;
        _logger = gateway.Loggers.CreateLogger<RtmpConnection>();
        // Zero-byte reads: a connection holds no read buffer while its peer is silent, which is
        // what players are nearly all the time.
        _session = new RtmpSession(socket, gateway.Options.MaxMessageBytes, zeroByteReads: true, tls);
        _ip = (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "";
        ClientId = Ids.NewClientId();
    }

    public string ClientId { get; }

    public long SentBytes => _session.SentBytes;

    public long RecvBytes => _session.RecvBytes;

    private StreamSessions Sessions => _gateway.Sessions;

    /// <summary>This connection's session; set for the whole of <see cref="RunAsync"/>.</summary>
    private ClientSession Client => _client ?? throw new InvalidOperationException("RTMP connection not started");

    public void Kick()
    {
        if (!_closed.IsCancellationRequested)
        {
            _closed.Cancel();
        }
        // Disposing unblocks a send or receive stuck on a peer that stopped reading or writing.
        _socket.Dispose();
    }

    public async Task RunAsync()
    {
        using var scope = _logger.BeginScope(LogScopes.Client, ClientId);
        // A client exists for the cluster (registry, session record, API) once its handshake is done: a flood of
        // connections that never finish one costs no grain call and no log line each.
        if (!await TryHandshakeAsync())
        {
            return;
        }
        _client = Sessions.Begin(this, "rtmp", "RTMP", _ip, recordNow: true);
        _logger.LogDebug("RTMP client connected from {Ip}", _ip);
        var reason = "closed by peer";
        string? drop = null;
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception ex) when (ex is RtmpProtocolException or Amf0Exception)
        {
            (drop, reason) = (ex is RtmpRefusedException ? ConnectionDrops.Refused : ConnectionDrops.ProtocolError, ex.Message);
        }
        catch (Exception ex) when (_closed.IsCancellationRequested || ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            (drop, reason) = Volatile.Read(ref _drop) is { } cause ? (cause.Drop, cause.Reason)
                : _closed.IsCancellationRequested ? (null, "closed by server")
                : ex is OperationCanceledException ? (ConnectionDrops.IdleTimeout, $"nothing received for {_gateway.Options.ReceiveTimeoutSeconds} s")
                : (null, "connection lost");
            _logger.LogDebug(ex, "RTMP connection ended: {Reason}", reason);
        }
        catch (Exception ex)
        {
            reason = "internal error";
            _logger.LogError(ex, "RTMP connection failed");
        }
        finally
        {
            // Before the clean-up closes the socket: a peer that sees the close finds the reason logged.
            var detail = drop is ConnectionDrops.ProtocolError or ConnectionDrops.Refused ? reason : null;
            if (drop is not null && _gateway.Drops.Drop("rtmp", drop, detail))
            {
                _logger.LogWarning("RTMP client from {Ip} dropped ({Reason}); sent {Sent} bytes, received {Recv} bytes", _ip, reason, SentBytes, RecvBytes);
            }
            await CleanupAsync();
            if (drop is null)
            {
                _logger.LogInformation("RTMP client from {Ip} closed ({Reason}); sent {Sent} bytes, received {Recv} bytes", _ip, reason, SentBytes, RecvBytes);
            }
        }
    }

    /// <summary>Why the server is closing this connection, set by whoever decides it (a stalled or too slow player)
    /// before it kicks: the drop reason and the words for the log.</summary>
    private DropCause? _drop;

    private sealed record DropCause(string Drop, string Reason);

    private void DropAndKick(string drop, string reason)
    {
        Interlocked.CompareExchange(ref _drop, new DropCause(drop, reason), null);
        Kick();
    }

    /// <summary>The handshake, within the handshake timeout. A failure is counted and logged within the drop budget, and the
    /// connection closed; false then.</summary>
    private async Task<bool> TryHandshakeAsync()
    {
        var seconds = _gateway.Options.HandshakeTimeoutSeconds;
        string drop, reason;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
            var complex = await _session.AcceptHandshakeAsync(timeout.Token);
            _logger.LogDebug("RTMP handshake done ({Kind})", complex ? "complex" : "simple");
            return true;
        }
        catch (RtmpProtocolException ex)
        {
            (drop, reason) = (ConnectionDrops.HandshakeError, ex.Message);
        }
        catch (OperationCanceledException) when (!_closed.IsCancellationRequested)
        {
            (drop, reason) = (ConnectionDrops.HandshakeTimeout, $"no handshake within {seconds} s");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Reset by the peer, or the server stopping.
            _logger.LogDebug(ex, "RTMP connection from {Ip} lost during the handshake", _ip);
            await _session.DisposeAsync();
            return false;
        }
        if (_gateway.Drops.Drop("rtmp", drop, drop == ConnectionDrops.HandshakeError ? reason : null))
        {
            _logger.LogWarning("RTMP connection from {Ip} closed during the handshake: {Reason}", _ip, reason);
        }
        await _session.DisposeAsync();
        return false;
    }

    private async Task ReadLoopAsync()
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        var receiveTimeout = TimeSpan.FromSeconds(_gateway.Options.ReceiveTimeoutSeconds);
        while (true)
        {
            // Players may legitimately stay silent for hours; everyone else must keep talking.
            idle.CancelAfter(_play is null ? receiveTimeout : Timeout.InfiniteTimeSpan);
            if (await _session.ReadMessageAsync(idle.Token) is not { } message)
            {
                return;
            }
            await HandleMessageAsync(message);
        }
    }

    private async Task HandleMessageAsync(RtmpMessage message)
    {
        var handedOn = false;
        try
        {
            switch (message.TypeId)
            {
                case RtmpMessageType.Audio:
                case RtmpMessageType.Video:
                    handedOn = OnMedia(message);
                    break;
                case RtmpMessageType.DataAmf0:
                case RtmpMessageType.DataAmf3:
                    OnData(message);
                    break;
                case RtmpMessageType.CommandAmf0:
                case RtmpMessageType.CommandAmf3:
                    var command = RtmpCommand.Parse(message.Payload, message.TypeId == RtmpMessageType.CommandAmf3);
                    await OnCommandAsync(command);
                    break;
                default:
                    // User control events other than ping, aggregate and shared objects need no answer.
                    break;
            }
        }
        finally
        {
            if (!handedOn)
            {
                message.ReturnBuffer();
            }
        }
    }

    private async Task CleanupAsync()
    {
        if (!_closed.IsCancellationRequested)
        {
            _closed.Cancel();
        }
        await StopPlayingAsync();
        await StopPublishingAsync();
        Sessions.End(Client);
        await _session.DisposeAsync();
    }

    private Task SendMessagesAsync(Action<RtmpChunkWriter, IBufferWriter<byte>> build) =>
        _session.SendAsync(build, _closed.Token);
}
