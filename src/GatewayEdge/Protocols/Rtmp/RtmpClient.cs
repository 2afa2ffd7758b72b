using System.Net.Sockets;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.Amf;

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

    private readonly RtmpSession _session;
    private double _transaction;

    private RtmpClient(Socket socket, RtmpUrl url, int maxMessageBytes)
    {
        Url = url;
        _session = new RtmpSession(socket, maxMessageBytes, zeroByteReads: false);
    }

    public RtmpUrl Url { get; }

    /// <summary>Message stream id the server gave in createStream.</summary>
    public uint StreamId { get; private set; }

    public long SentBytes => _session.SentBytes;

    public long RecvBytes => _session.RecvBytes;

    /// <summary>The `connect` property by which a gateway pulling a stream for its own players asks
    /// for the stream's own audio codec (it bridges audio itself, for the players that need it).</summary>
    public const string SourceAudioProperty = "sourceAudio";

    /// <summary>The command (on the play stream, transaction 0, no reply) by which a gateway pulling a
    /// stream passes on its players' keyframe requests (WebRTC PLI/FIR) to the gateway it pulls from.</summary>
    public const string KeyframeRequestCommand = "requestKeyframe";

    /// <summary>Connects, handshakes and sends `connect` for the URL's app; sets our chunk size.</summary>
    public static async Task<RtmpClient> ConnectAsync(RtmpUrl url, int chunkSize, int maxMessageBytes, CancellationToken cancellationToken, bool sourceAudio = false)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        RtmpClient? client = null;
        try
        {
            await socket.ConnectAsync(url.Host, url.Port, cancellationToken);
            client = new RtmpClient(socket, url, maxMessageBytes);
            await client._session.HandshakeAsync(cancellationToken);
            await client.ConnectAppAsync(chunkSize, sourceAudio, cancellationToken);
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

    /// <summary>Asks the server for a keyframe of the stream played (<see cref="KeyframeRequestCommand"/>).
    /// Safe beside a running <see cref="ReadMediaAsync"/>: sends are serialized.</summary>
    public Task RequestKeyframeAsync(CancellationToken cancellationToken) =>
        SendCommandAsync(StreamCsid, StreamId, KeyframeRequestCommand, 0, null, [], cancellationToken);

    /// <summary>Sends frames as media messages on the published stream.</summary>
    public async Task SendFramesAsync(IReadOnlyList<MediaFrame> frames, int chunkSize, CancellationToken cancellationToken) =>
        await _session.SendFramesAsync(frames, StreamId, chunkSize, Timeout.InfiniteTimeSpan, cancellationToken);

    public ValueTask DisposeAsync() => _session.DisposeAsync();

    private async Task ConnectAppAsync(int chunkSize, bool sourceAudio, CancellationToken cancellationToken)
    {
        var props = new AmfObject
        {
            { "app", Url.App },
            { "type", "nonprivate" },
            { "flashVer", "FMLE/3.0 (compatible; " + ServerInfo.Signature + ")" },
            { "tcUrl", Url.TcUrl },
        };
        if (sourceAudio)
        {
            props.Add(SourceAudioProperty, true);
        }
        await _session.SendAsync((w, o) =>
        {
            RtmpControl.SetChunkSize(w, o, chunkSize);
            _session.WriteCommand(w, o, CommandCsid, 0, "connect", ++_transaction, props);
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

    private ValueTask<RtmpMessage?> ReadMessageAsync(CancellationToken cancellationToken) =>
        _session.ReadMessageAsync(cancellationToken);

    private Task SendCommandAsync(int csid, uint streamId, string name, double transaction, object? commandObject, object?[] args, CancellationToken cancellationToken) =>
        _session.SendCommandAsync(csid, streamId, name, transaction, commandObject, args, cancellationToken);
}
