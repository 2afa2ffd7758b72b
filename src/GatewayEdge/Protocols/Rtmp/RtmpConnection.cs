using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

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
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly RtmpChunkWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private readonly RtmpChunkReader _reader;
    private readonly string _ip;
    private readonly DateTime _started = DateTime.UtcNow;
    private long _sentBytes;
    private long _handshakeBytes;
    private uint _peerAckWindow;
    private long _lastAck;

    public RtmpConnection(Socket socket, GatewayContext gateway)
    {
        _socket = socket;
        _gateway = gateway;
        _logger = gateway.Loggers.CreateLogger<RtmpConnection>();
        _reader = new RtmpChunkReader(MediaFrame.Headroom, MediaFrame.Tailroom, gateway.Options.MaxMessageBytes);
        _ip = (socket.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "";
        ClientId = Ids.NewClientId();
    }

    public string ClientId { get; }

    public long SentBytes => Interlocked.Read(ref _sentBytes);

    public long RecvBytes => Interlocked.Read(ref _handshakeBytes) + _reader.BytesConsumed;

    private ClusterLink Cluster => _gateway.Cluster;

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
        _gateway.Connections.Add(this);
        _logger.LogInformation("RTMP client connected from {Ip}", _ip);
        OpenSession();
        var reason = "closed by peer";
        try
        {
            var stream = new NetworkStream(_socket, ownsSocket: false);
            // Zero-byte reads: a connection holds no read buffer while its peer is silent, which is
            // what players are nearly all the time.
            var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true, useZeroByteReads: true));
            await HandshakeAsync(input);
            await ReadLoopAsync(input);
        }
        catch (Exception ex) when (ex is RtmpProtocolException or Amf0Exception)
        {
            reason = "protocol error: " + ex.Message;
            _logger.LogWarning("Closing RTMP connection: {Reason}", ex.Message);
        }
        catch (Exception ex) when (_closed.IsCancellationRequested || ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = _closed.IsCancellationRequested ? "closed by server" : ex is OperationCanceledException ? "timed out" : "connection lost";
            _logger.LogDebug(ex, "RTMP connection ended: {Reason}", reason);
        }
        catch (Exception ex)
        {
            reason = "internal error";
            _logger.LogError(ex, "RTMP connection failed");
        }
        finally
        {
            await CleanupAsync();
            _logger.LogInformation("RTMP client closed ({Reason}); sent {Sent} bytes, received {Recv} bytes", reason, SentBytes, RecvBytes);
        }
    }

    private async Task HandshakeAsync(PipeReader input)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(_gateway.Options.HandshakeTimeoutSeconds));

        var result = await input.ReadAtLeastAsync(RtmpHandshake.C0C1Size, timeout.Token);
        if (result.Buffer.Length < RtmpHandshake.C0C1Size)
        {
            throw new RtmpProtocolException($"truncated handshake: C0C1 ended after {result.Buffer.Length} of {RtmpHandshake.C0C1Size} bytes");
        }
        var c0c1 = result.Buffer.Slice(0, RtmpHandshake.C0C1Size).ToArray();
        input.AdvanceTo(result.Buffer.GetPosition(RtmpHandshake.C0C1Size));
        var s0s1s2 = RtmpHandshake.CreateResponse(c0c1, out var complex);
        await SendAsync(s0s1s2);

        result = await input.ReadAtLeastAsync(RtmpHandshake.C2Size, timeout.Token);
        if (result.Buffer.Length < RtmpHandshake.C2Size)
        {
            throw new RtmpProtocolException($"truncated handshake: C2 ended after {result.Buffer.Length} of {RtmpHandshake.C2Size} bytes");
        }
        input.AdvanceTo(result.Buffer.GetPosition(RtmpHandshake.C2Size));
        Interlocked.Add(ref _handshakeBytes, RtmpHandshake.C0C1Size + RtmpHandshake.C2Size);
        _logger.LogDebug("RTMP handshake done ({Kind})", complex ? "complex" : "simple");
    }

    private async Task ReadLoopAsync(PipeReader input)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        var receiveTimeout = TimeSpan.FromSeconds(_gateway.Options.ReceiveTimeoutSeconds);
        while (true)
        {
            // Players may legitimately stay silent for hours; everyone else must keep talking.
            idle.CancelAfter(_player is null ? receiveTimeout : Timeout.InfiniteTimeSpan);
            var result = await input.ReadAsync(idle.Token);
            var buffer = result.Buffer;
            try
            {
                while (_reader.TryReadMessage(ref buffer, out var message))
                {
                    await HandleMessageAsync(message);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            await AcknowledgeAsync();
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    throw new RtmpProtocolException($"peer closed in the middle of a chunk ({buffer.Length} bytes left)");
                }
                return;
            }
        }
    }

    private async Task HandleMessageAsync(RtmpMessage message)
    {
        var handedOn = false;
        try
        {
            switch (message.TypeId)
            {
                case RtmpMessageType.SetChunkSize:
                    RequireLength(message, 4);
                    _reader.SetChunkSize((int)(RtmpControl.ReadUInt32BE(message.Payload) & 0x7FFFFFFF));
                    break;
                case RtmpMessageType.Abort:
                    RequireLength(message, 4);
                    _reader.Abort((int)RtmpControl.ReadUInt32BE(message.Payload));
                    break;
                case RtmpMessageType.WindowAckSize:
                    RequireLength(message, 4);
                    _peerAckWindow = RtmpControl.ReadUInt32BE(message.Payload);
                    break;
                case RtmpMessageType.UserControl:
                    if (RtmpControl.TryParseUserControl(message.Payload, out var eventType, out var value) && eventType == 6)
                    {
                        await SendControlAsync((w, o) => RtmpControl.PingResponse(w, o, value));
                    }
                    break;
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
                    // Acknowledgement, SetPeerBandwidth, Abort, aggregate and shared objects need no answer.
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

    private static void RequireLength(RtmpMessage message, int length)
    {
        if (message.Length < length)
        {
            throw new RtmpProtocolException($"message type {message.TypeId} too short: {message.Length} bytes");
        }
    }

    /// <summary>Acknowledges received bytes once per window the peer asked for.</summary>
    private Task AcknowledgeAsync()
    {
        var received = RecvBytes;
        if (_peerAckWindow == 0 || received - _lastAck < _peerAckWindow)
        {
            return Task.CompletedTask;
        }
        _lastAck = received;
        return SendControlAsync((w, o) => RtmpControl.Acknowledgement(w, o, unchecked((uint)received)));
    }

    private void OpenSession(string type = ClientSessionInfo.UnknownType, bool publish = false, StreamAddress? address = null, string? streamId = null)
    {
        var info = SessionInfo(type, publish, address, streamId);
        Cluster.Fire(() => Cluster.Client(ClientId).Open(info), "open session");
    }

    private ClientSessionInfo SessionInfo(string type = ClientSessionInfo.UnknownType, bool publish = false, StreamAddress? address = null, string? streamId = null) => new(
        ClientId, Cluster.GatewayId, _ip, "rtmp", type, publish,
        address?.Vhost ?? _connectVhost ?? "", address?.App ?? _app ?? "", address?.Stream ?? "", streamId,
        _tcUrl ?? "", _pageUrl ?? "", _swfUrl ?? "", address?.Param ?? "", _started);

    private async Task CleanupAsync()
    {
        if (!_closed.IsCancellationRequested)
        {
            _closed.Cancel();
        }
        await StopPlayingAsync();
        await StopPublishingAsync();
        _gateway.Connections.Remove(this);
        var (sent, recv) = (SentBytes, RecvBytes);
        Cluster.Fire(() => Cluster.Client(ClientId).Close(sent, recv), "close session");
        _reader.Dispose();
        _socket.Dispose();
    }

    /// <summary>Sends raw bytes; one sender at a time, so command replies and media never interleave mid-message.</summary>
    private async Task SendAsync(ReadOnlyMemory<byte> data)
    {
        await _sendLock.WaitAsync(_closed.Token);
        try
        {
            await _socket.SendAsync(data, SocketFlags.None, _closed.Token);
            Interlocked.Add(ref _sentBytes, data.Length);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Builds messages with the connection's chunk writer and sends them at once.</summary>
    private async Task SendMessagesAsync(Action<RtmpChunkWriter, IBufferWriter<byte>> build)
    {
        await _sendLock.WaitAsync(_closed.Token);
        try
        {
            _out.ResetWrittenCount();
            build(_writer, _out);
            await _socket.SendAsync(_out.WrittenMemory, SocketFlags.None, _closed.Token);
            Interlocked.Add(ref _sentBytes, _out.WrittenCount);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private Task SendControlAsync(Action<RtmpChunkWriter, IBufferWriter<byte>> build) => SendMessagesAsync(build);
}
