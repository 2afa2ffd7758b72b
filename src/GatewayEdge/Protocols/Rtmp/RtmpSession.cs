using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// What both ends of an RTMP connection do alike, under <see cref="RtmpConnection"/> (the server side)
/// and <see cref="RtmpClient"/> (edge pull, forward push): the handshake I/O, reading messages while
/// applying and answering protocol control (chunk size, abort, acknowledgement window, pings), and
/// sending through one lock so that messages never interleave mid-chunk. Byte counters include the
/// handshake.
/// </summary>
public sealed partial class RtmpSession : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream? _tls;
    private readonly PipeReader _input;
    private readonly RtmpChunkReader _reader;
    private uint _peerAckWindow;
    private long _lastAck;
    private long _handshakeBytes;

    /// <param name="zeroByteReads">For connections whose peer is mostly silent (players): no read
    /// buffer is held while nothing arrives.</param>
    /// <param name="tls">RTMPS: the TLS stream over <paramref name="socket"/>, which every read and write
    /// then goes through; null: plain RTMP straight on the socket.</param>
    public RtmpSession(Socket socket, int maxMessageBytes, bool zeroByteReads, Stream? tls = null)
    {
        _socket = socket;
        _tls = tls;
        var stream = tls ?? new NetworkStream(socket, ownsSocket: false);
        var options = zeroByteReads
            ? new StreamPipeReaderOptions(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024, leaveOpen: true, useZeroByteReads: true)
            : new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true);
        _input = PipeReader.Create(stream, options);
        // Head and tail room let a media message become an FLV tag in place (MediaFrame.FromPooled).
        _reader = new RtmpChunkReader(MediaFrame.Headroom, MediaFrame.Tailroom, maxMessageBytes);
    }

    public long SentBytes => Interlocked.Read(ref _sentBytes);

    /// <summary>True for RTMPS.</summary>
    public bool IsTls => _tls is not null;

    public long RecvBytes => Interlocked.Read(ref _handshakeBytes) + _reader.BytesConsumed;

    /// <summary>Server side: reads C0C1, answers S0S1S2, reads C2. True when the client asked for the
    /// complex (digest) handshake.</summary>
    public async Task<bool> AcceptHandshakeAsync(CancellationToken cancellationToken)
    {
        var result = await _input.ReadAtLeastAsync(RtmpHandshake.C0C1Size, cancellationToken);
        if (result.Buffer.Length < RtmpHandshake.C0C1Size)
        {
            throw new RtmpProtocolException($"truncated handshake: C0C1 ended after {result.Buffer.Length} of {RtmpHandshake.C0C1Size} bytes");
        }
        var c0c1 = result.Buffer.Slice(0, RtmpHandshake.C0C1Size).ToArray();
        _input.AdvanceTo(result.Buffer.GetPosition(RtmpHandshake.C0C1Size));
        var s0s1s2 = RtmpHandshake.CreateResponse(c0c1, out var complex);
        await SendRawAsync(s0s1s2, cancellationToken);

        result = await _input.ReadAtLeastAsync(RtmpHandshake.C2Size, cancellationToken);
        if (result.Buffer.Length < RtmpHandshake.C2Size)
        {
            throw new RtmpProtocolException($"truncated handshake: C2 ended after {result.Buffer.Length} of {RtmpHandshake.C2Size} bytes");
        }
        _input.AdvanceTo(result.Buffer.GetPosition(RtmpHandshake.C2Size));
        Interlocked.Add(ref _handshakeBytes, RtmpHandshake.C0C1Size + RtmpHandshake.C2Size);
        return complex;
    }

    /// <summary>Client side: sends a simple C0C1, reads S0S1S2 and echoes S1 as C2.</summary>
    public async Task HandshakeAsync(CancellationToken cancellationToken)
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
        Interlocked.Add(ref _handshakeBytes, RtmpHandshake.S0S1S2Size);
        await SendRawAsync(s1, cancellationToken);
    }

    /// <summary>
    /// The next message for the owner, with its buffer handed over. SetChunkSize, Abort,
    /// WindowAckSize, Acknowledgement, SetPeerBandwidth and PingRequest are applied or answered here
    /// and never returned; received bytes are acknowledged once per window the peer asked for.
    /// Null when the peer closes between messages.
    /// </summary>
    /// <exception cref="RtmpProtocolException">Malformed input, or a close in the middle of a chunk.</exception>
    public async ValueTask<RtmpMessage?> ReadMessageAsync(CancellationToken cancellationToken)
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
                    if (!await TryHandleControlAsync(next, cancellationToken))
                    {
                        message = next;
                    }
                }
                await AcknowledgeAsync(cancellationToken);
            }
            catch
            {
                message?.ReturnBuffer();
                message = null;
                throw;
            }
            finally
            {
                // Stopped at a message: the rest is unexamined, so the next read returns it at once
                // instead of waiting for more bytes from the peer.
                _input.AdvanceTo(buffer.Start, message is null ? buffer.End : buffer.Start);
            }
            if (message is not null)
            {
                return message;
            }
            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty)
                {
                    throw new RtmpProtocolException($"peer closed in the middle of a chunk ({buffer.Length} bytes left)");
                }
                return null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (_tls is not null)
        {
            await _tls.DisposeAsync();
        }
        await _input.CompleteAsync();
        _reader.Dispose();
    }

    /// <summary>True (and the buffer returned) when the message was protocol control or a ping.</summary>
    private ValueTask<bool> TryHandleControlAsync(RtmpMessage message, CancellationToken cancellationToken)
    {
        bool handled;
        uint? pingRequest;
        try
        {
            handled = TryApplyControl(message, out pingRequest);
        }
        catch
        {
            message.ReturnBuffer();
            throw;
        }
        if (!handled)
        {
            return new(false);
        }
        message.ReturnBuffer();
        return pingRequest is { } timestamp ? AnswerPingAsync(timestamp, cancellationToken) : new(true);
    }

    private bool TryApplyControl(RtmpMessage message, out uint? pingRequest)
    {
        pingRequest = null;
        switch (message.TypeId)
        {
            case RtmpMessageType.SetChunkSize:
                _reader.SetChunkSize((int)(ReadUInt32(message) & 0x7FFFFFFF));
                return true;
            case RtmpMessageType.Abort:
                _reader.Abort((int)ReadUInt32(message));
                return true;
            case RtmpMessageType.WindowAckSize:
                _peerAckWindow = ReadUInt32(message);
                return true;
            case RtmpMessageType.Acknowledgement:
            case RtmpMessageType.SetPeerBandwidth:
                // Nothing to answer: sending is not limited by the peer's window.
                return true;
            case RtmpMessageType.UserControl when RtmpControl.TryParseUserControl(message.Payload, out var eventType, out var timestamp) && eventType == RtmpUserControlEvent.PingRequest:
                pingRequest = timestamp;
                return true;
            default:
                return false;
        }
    }

    private async ValueTask<bool> AnswerPingAsync(uint timestamp, CancellationToken cancellationToken)
    {
        await SendAsync((w, o) => RtmpControl.PingResponse(w, o, timestamp), cancellationToken);
        return true;
    }

    private static uint ReadUInt32(RtmpMessage message) =>
        RtmpControl.TryReadUInt32(message.Payload, out var value)
            ? value
            : throw new RtmpProtocolException($"message type {message.TypeId} too short: {message.Length} bytes");

    /// <summary>Acknowledges received bytes once per window the peer asked for.</summary>
    private Task AcknowledgeAsync(CancellationToken cancellationToken)
    {
        var received = RecvBytes;
        if (_peerAckWindow == 0 || received - _lastAck < _peerAckWindow)
        {
            return Task.CompletedTask;
        }
        _lastAck = received;
        return SendAsync((w, o) => RtmpControl.Acknowledgement(w, o, unchecked((uint)received)), cancellationToken);
    }
}
