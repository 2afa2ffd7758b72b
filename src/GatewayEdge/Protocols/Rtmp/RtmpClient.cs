using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// The gateway as an RTMP client: pulls a stream from another gateway (edge play) or pushes one to a
/// forward destination. Media it receives keeps the FLV head and tail room, so frames go straight into
/// a hub; media it sends reuses each frame's shared chunked form where the stream ids agree.
/// </summary>
public sealed class RtmpClient : IAsyncDisposable
{
    private const int CommandCsid = 3;
    private const int StreamCsid = 5;

    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly RtmpChunkReader _reader;
    private readonly RtmpChunkWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _out = new(4096);
    private readonly ArrayBufferWriter<byte> _amf = new(512);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly List<ArraySegment<byte>> _segments = new(64);
    private double _transaction;
    private uint _peerAckWindow;
    private long _lastAck;
    private long _sentBytes;

    private RtmpClient(Socket socket, RtmpUrl url, int maxMessageBytes)
    {
        _socket = socket;
        Url = url;
        _input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false), new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _reader = new RtmpChunkReader(MediaFrame.Headroom, MediaFrame.Tailroom, maxMessageBytes);
    }

    public RtmpUrl Url { get; }

    /// <summary>Message stream id the server gave in createStream.</summary>
    public uint StreamId { get; private set; }

    public long SentBytes => Interlocked.Read(ref _sentBytes);

    public long RecvBytes => _reader.BytesConsumed;

    /// <summary>Connects, handshakes and sends `connect` for the URL's app; sets our chunk size.</summary>
    public static async Task<RtmpClient> ConnectAsync(RtmpUrl url, int chunkSize, int maxMessageBytes, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RtmpClient? client = null;
        try
        {
            await socket.ConnectAsync(url.Host, url.Port, cancellationToken);
            client = new RtmpClient(socket, url, maxMessageBytes);
            await client.HandshakeAsync(cancellationToken);
            await client.ConnectAppAsync(chunkSize, cancellationToken);
            return client;
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
            socket.Dispose();
            throw;
        }
    }

    /// <summary>createStream + play; returns once the server says NetStream.Play.Start.</summary>
    public async Task PlayAsync(CancellationToken cancellationToken)
    {
        await CreateStreamAsync(cancellationToken);
        await SendCommandAsync(StreamCsid, StreamId, "play", 0, null, [Url.Stream, -2.0], cancellationToken);
        await ExpectStatusAsync("NetStream.Play.Start", cancellationToken);
    }

    /// <summary>releaseStream/FCPublish/createStream/publish like an encoder; returns on NetStream.Publish.Start.</summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        await SendCommandAsync(CommandCsid, 0, "releaseStream", ++_transaction, null, [Url.Stream], cancellationToken);
        await SendCommandAsync(CommandCsid, 0, "FCPublish", ++_transaction, null, [Url.Stream], cancellationToken);
        await CreateStreamAsync(cancellationToken);
        await SendCommandAsync(StreamCsid, StreamId, "publish", 0, null, [Url.Stream, "live"], cancellationToken);
        await ExpectStatusAsync("NetStream.Publish.Start", cancellationToken);
    }

    /// <summary>
    /// The next audio, video or script message, with the buffer handed to the caller; null when the
    /// server ends the stream (unpublish, EOF, close). Control traffic is answered on the way.
    /// </summary>
    public async Task<RtmpMessage?> ReadMediaAsync(CancellationToken cancellationToken)
    {
        while (await ReadMessageAsync(cancellationToken) is { } message)
        {
            switch (message.TypeId)
            {
                case RtmpMessageType.Audio:
                case RtmpMessageType.Video:
                case RtmpMessageType.DataAmf0:
                    return message;
                case RtmpMessageType.CommandAmf0:
                    var command = RtmpCommand.Parse(message.Payload, amf3: false);
                    message.ReturnBuffer();
                    if (command.Name == "onStatus" && StatusCode(command) is "NetStream.Play.UnpublishNotify" or "NetStream.Play.Stop")
                    {
                        return null;
                    }
                    break;
                case RtmpMessageType.UserControl:
                    var eof = RtmpControl.TryParseUserControl(message.Payload, out var eventType, out _) && eventType == 1;
                    message.ReturnBuffer();
                    if (eof)
                    {
                        return null;
                    }
                    break;
                default:
                    message.ReturnBuffer();
                    break;
            }
        }
        return null;
    }

    /// <summary>Sends frames as media messages on the published stream.</summary>
    public async Task SendFramesAsync(IReadOnlyList<MediaFrame> frames, int chunkSize, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            var bytes = 0;
            if (StreamId == RtmpWireForm.PlayStreamId && chunkSize == _writer.ChunkSize)
            {
                // Same stream id and chunk size as players get: send the shared bytes, no copy.
                foreach (var frame in frames)
                {
                    var form = frame.GetRtmpForm(chunkSize);
                    _segments.AddRange(form.Segments);
                    bytes += form.TotalBytes;
                }
                await _socket.SendAsync(_segments, SocketFlags.None).WaitAsync(cancellationToken);
                _segments.Clear();
            }
            else
            {
                _out.ResetWrittenCount();
                foreach (var frame in frames)
                {
                    RtmpChunkWriter.WriteMessageType0(_out, RtmpWireForm.ChunkStreamFor(frame.Type), frame.Timestamp, frame.Type, StreamId, frame.Payload.Span, _writer.ChunkSize);
                }
                bytes = _out.WrittenCount;
                await _socket.SendAsync(_out.WrittenMemory, SocketFlags.None, cancellationToken);
            }
            Interlocked.Add(ref _sentBytes, bytes);
        }
        finally
        {
            _segments.Clear();
            _sendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _input.CompleteAsync();
        _reader.Dispose();
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await SendRawAsync(RtmpHandshake.CreateClientC0C1(complex: false), cancellationToken);
        var result = await _input.ReadAtLeastAsync(RtmpHandshake.S0S1S2Size, cancellationToken);
        if (result.Buffer.Length < RtmpHandshake.S0S1S2Size)
        {
            throw new RtmpProtocolException("server closed during the handshake");
        }
        var s1 = result.Buffer.Slice(1, RtmpHandshake.C2Size).ToArray();
        if (result.Buffer.FirstSpan[0] != RtmpHandshake.Version)
        {
            throw new RtmpProtocolException($"server answered RTMP version {result.Buffer.FirstSpan[0]}");
        }
        _input.AdvanceTo(result.Buffer.GetPosition(RtmpHandshake.S0S1S2Size));
        await SendRawAsync(s1, cancellationToken);
    }

    private async Task ConnectAppAsync(int chunkSize, CancellationToken cancellationToken)
    {
        var props = new AmfObject
        {
            { "app", Url.App },
            { "type", "nonprivate" },
            { "flashVer", "FMLE/3.0 (compatible; " + ServerInfo.Signature + ")" },
            { "tcUrl", Url.TcUrl },
        };
        await SendAsync((w, o) =>
        {
            RtmpControl.SetChunkSize(w, o, chunkSize);
            WriteCommand(w, o, CommandCsid, 0, "connect", ++_transaction, props, []);
        }, cancellationToken);
        var reply = await ExpectResultAsync(_transaction, cancellationToken);
        if (reply.Name != "_result")
        {
            throw new RtmpProtocolException($"connect to {Url.TcUrl} refused: {StatusCode(reply) ?? reply.Name}");
        }
    }

    private async Task CreateStreamAsync(CancellationToken cancellationToken)
    {
        await SendCommandAsync(CommandCsid, 0, "createStream", ++_transaction, null, [], cancellationToken);
        var reply = await ExpectResultAsync(_transaction, cancellationToken);
        if (reply.Name != "_result" || reply.Arguments.Count == 0 || reply.Arguments[0] is not double id)
        {
            throw new RtmpProtocolException($"createStream on {Url.TcUrl} failed");
        }
        StreamId = (uint)id;
    }

    /// <summary>Waits for the _result/_error of a transaction, skipping everything else.</summary>
    private async Task<RtmpCommand> ExpectResultAsync(double transaction, CancellationToken cancellationToken)
    {
        while (await ReadMessageAsync(cancellationToken) is { } message)
        {
            try
            {
                if (message.TypeId == RtmpMessageType.CommandAmf0)
                {
                    var command = RtmpCommand.Parse(message.Payload, amf3: false);
                    if (command.Name is "_result" or "_error" && command.TransactionId == transaction)
                    {
                        return command;
                    }
                }
            }
            finally
            {
                message.ReturnBuffer();
            }
        }
        throw new RtmpProtocolException($"{Url.TcUrl} closed before answering");
    }

    /// <summary>Waits for an onStatus; any error-level status (or another code) fails.</summary>
    private async Task ExpectStatusAsync(string code, CancellationToken cancellationToken)
    {
        while (await ReadMessageAsync(cancellationToken) is { } message)
        {
            try
            {
                if (message.TypeId != RtmpMessageType.CommandAmf0)
                {
                    continue;
                }
                var command = RtmpCommand.Parse(message.Payload, amf3: false);
                if (command.Name != "onStatus")
                {
                    continue;
                }
                var got = StatusCode(command);
                if (got == code)
                {
                    return;
                }
                if (got is not null && (got.Contains("Failed", StringComparison.Ordinal) || got.Contains("BadName", StringComparison.Ordinal) || got.Contains("Rejected", StringComparison.Ordinal) || got.Contains("NotFound", StringComparison.Ordinal)))
                {
                    throw new RtmpProtocolException($"{Url} refused: {got}");
                }
            }
            finally
            {
                message.ReturnBuffer();
            }
        }
        throw new RtmpProtocolException($"{Url} closed before {code}");
    }

    private static string? StatusCode(RtmpCommand command)
    {
        foreach (var arg in command.Arguments)
        {
            if (arg is AmfObject info)
            {
                return info.GetString("code");
            }
        }
        return (command.CommandObject as AmfObject)?.GetString("code");
    }

    /// <summary>Reads one message, applying chunk size and answering pings and ack windows.</summary>
    private async Task<RtmpMessage?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            RtmpMessage? message = null;
            try
            {
                while (message is null && _reader.TryReadMessage(ref buffer, out var next))
                {
                    if (await HandleControlAsync(next, cancellationToken))
                    {
                        next.ReturnBuffer();
                        continue;
                    }
                    message = next;
                }
            }
            finally
            {
                // Stopped at a message: the rest is unexamined, so the next read returns it at once
                // instead of waiting for more bytes from the server.
                _input.AdvanceTo(buffer.Start, message is null ? buffer.End : buffer.Start);
            }
            if (message is not null)
            {
                return message;
            }
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    private async Task<bool> HandleControlAsync(RtmpMessage message, CancellationToken cancellationToken)
    {
        switch (message.TypeId)
        {
            case RtmpMessageType.SetChunkSize when message.Length >= 4:
                _reader.SetChunkSize((int)(RtmpControl.ReadUInt32BE(message.Payload) & 0x7FFFFFFF));
                return true;
            case RtmpMessageType.WindowAckSize when message.Length >= 4:
                _peerAckWindow = RtmpControl.ReadUInt32BE(message.Payload);
                return true;
            case RtmpMessageType.UserControl when RtmpControl.TryParseUserControl(message.Payload, out var eventType, out var value) && eventType == 6:
                await SendAsync((w, o) => RtmpControl.PingResponse(w, o, value), cancellationToken);
                return true;
            case RtmpMessageType.Acknowledgement:
            case RtmpMessageType.SetPeerBandwidth:
                break;
            default:
                break;
        }
        var received = _reader.BytesConsumed;
        if (_peerAckWindow > 0 && received - _lastAck >= _peerAckWindow)
        {
            _lastAck = received;
            await SendAsync((w, o) => RtmpControl.Acknowledgement(w, o, unchecked((uint)received)), cancellationToken);
        }
        return message.TypeId is RtmpMessageType.Acknowledgement or RtmpMessageType.SetPeerBandwidth;
    }

    private Task SendCommandAsync(int csid, uint streamId, string name, double transaction, object? commandObject, object?[] args, CancellationToken cancellationToken) =>
        SendAsync((w, o) => WriteCommand(w, o, csid, streamId, name, transaction, commandObject, args), cancellationToken);

    private void WriteCommand(RtmpChunkWriter writer, IBufferWriter<byte> output, int csid, uint streamId, string name, double transaction, object? commandObject, object?[] args)
    {
        _amf.ResetWrittenCount();
        RtmpCommand.Write(_amf, name, transaction, commandObject, args);
        writer.WriteMessage(output, csid, 0, RtmpMessageType.CommandAmf0, streamId, _amf.WrittenSpan);
    }

    private async Task SendAsync(Action<RtmpChunkWriter, IBufferWriter<byte>> build, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            _out.ResetWrittenCount();
            build(_writer, _out);
            await _socket.SendAsync(_out.WrittenMemory, SocketFlags.None, cancellationToken);
            Interlocked.Add(ref _sentBytes, _out.WrittenCount);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
        Interlocked.Add(ref _sentBytes, bytes.Length);
    }
}
