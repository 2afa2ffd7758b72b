using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.LoadTool;

/// <summary>
/// A lean RTMP player: simple handshake, connect/createStream/play, then a chunk parser that never
/// reassembles media. It keeps only the first bytes of each audio/video message (enough for the
/// latency stamp) and counts the rest as it streams past, so a player costs one receive buffer and a
/// few small objects, and receiving allocates nothing per frame.
/// </summary>
public sealed class RtmpPlayer : SocketPlayer
{
    private const int MediaCapture = 64;
    private const int CommandCsid = 3;
    private const int PlayCsid = 8;

    private readonly RtmpUrl _url;
    private readonly EndPoint _remote;
    private readonly byte[] _buffer;
    private readonly ChunkStream?[] _streams = new ChunkStream?[16];
    private Dictionary<int, ChunkStream>? _moreStreams;
    private ArrayBufferWriter<byte>? _outbox = new(512);
    private RtmpChunkWriter? _writer = new();
    private int _start;
    private int _end;
    private int _chunkSize = RtmpChunkReader.DefaultChunkSize;
    private int _payloadLeft;
    private ChunkStream? _current;
    private uint _ackWindow;
    private long _lastAck;
    private long _parsed;
    private uint _streamId;
    private bool _playing;
    private bool _ended;

    public RtmpPlayer(int index, RtmpUrl url, EndPoint remote, PlayerContext context)
        : base(index, url.Stream, context)
    {
        _url = url;
        _remote = remote;
        _buffer = new byte[Math.Max(RtmpHandshake.S0S1S2Size + 1024, context.Options.PlayerBufferBytes)];
    }

    public override string Kind => "rtmp";

    protected override EndPoint RemoteEndPoint => _remote;

    protected override async Task StartAsync(Socket socket, CancellationToken cancellationToken)
    {
        await socket.SendAsync(RtmpHandshake.CreateClientC0C1(complex: false), SocketFlags.None, cancellationToken);
        while (_end < RtmpHandshake.S0S1S2Size)
        {
            await ReceiveAsync(socket, cancellationToken);
        }
        if (_buffer[0] != RtmpHandshake.Version)
        {
            throw new RtmpProtocolException($"server answered RTMP version {_buffer[0]}");
        }
        var c2 = _buffer.AsSpan(1, RtmpHandshake.C2Size).ToArray();
        _start = RtmpHandshake.S0S1S2Size;
        await socket.SendAsync(c2, SocketFlags.None, cancellationToken);

        var props = new AmfObject
        {
            { "app", _url.App },
            { "flashVer", "LNX 9,0,124,2" },
            { "tcUrl", _url.TcUrl },
            { "fpad", false },
            { "capabilities", 15.0 },
            { "audioCodecs", 4071.0 },
            { "videoCodecs", 252.0 },
            { "videoFunction", 1.0 },
        };
        WriteCommand(CommandCsid, 0, "connect", 1, props);
        await FlushOutboxAsync(socket, cancellationToken);
        while (!_playing)
        {
            if (_ended)
            {
                throw new RtmpProtocolException("server ended the connection before play started");
            }
            Process();
            await FlushOutboxAsync(socket, cancellationToken);
            if (_playing)
            {
                break;
            }
            await ReceiveAsync(socket, cancellationToken);
        }
        _writer = null;
    }

    protected override async Task ReceiveLoopAsync(Socket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            Process();
            if (_outbox is { WrittenCount: > 0 })
            {
                await FlushOutboxAsync(socket, CancellationToken.None);
            }
            if (_ended)
            {
                return;
            }
            // No token: the run ends a receive by closing the socket, which costs nothing per call.
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
            if (read == 0)
            {
                return;
            }
            _end += read;
            BytesReceived += read;
        }
    }

    private async Task ReceiveAsync(Socket socket, CancellationToken cancellationToken)
    {
        Compact();
        var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (read == 0)
        {
            throw new IOException("server closed the connection");
        }
        _end += read;
        BytesReceived += read;
    }

    private void Compact()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
    }

    /// <summary>Consumes every whole chunk header and all payload bytes in the buffer.</summary>
    private void Process()
    {
        while (_start < _end)
        {
            if (_payloadLeft > 0)
            {
                var count = Math.Min(_payloadLeft, _end - _start);
                var stream = _current!;
                stream.Capture(_buffer.AsSpan(_start, count));
                _start += count;
                _parsed += count;
                _payloadLeft -= count;
                stream.Remaining -= count;
                if (stream.Remaining == 0)
                {
                    Complete(stream);
                }
                continue;
            }
            if (!TryReadChunkHeader())
            {
                break;
            }
        }
        Compact();
        if (_ackWindow > 0 && _parsed - _lastAck >= _ackWindow)
        {
            _lastAck = _parsed;
            var ack = new byte[16];
            var size = RtmpChunkWriter.WriteHeader0(ack, 2, 0, 4, RtmpMessageType.Acknowledgement, 0);
            BinaryPrimitives.WriteUInt32BigEndian(ack.AsSpan(size), unchecked((uint)_parsed));
            Outbox.Write(ack.AsSpan(0, size + 4));
        }
    }

    private bool TryReadChunkHeader()
    {
        var span = _buffer.AsSpan(_start, _end - _start);
        var fmt = span[0] >> 6;
        var csid = span[0] & 0x3F;
        var pos = 1;
        if (csid == 0)
        {
            if (span.Length < 2)
            {
                return false;
            }
            csid = 64 + span[1];
            pos = 2;
        }
        else if (csid == 1)
        {
            if (span.Length < 3)
            {
                return false;
            }
            csid = 64 + span[1] + (span[2] << 8);
            pos = 3;
        }
        var headerLength = fmt switch { 0 => 11, 1 => 7, 2 => 3, _ => 0 };
        if (span.Length < pos + headerLength)
        {
            return false;
        }
        var stream = StreamFor(csid);
        var field = headerLength >= 3 ? ReadUInt24(span[pos..]) : 0;
        var extended = headerLength >= 3 ? field == 0xFFFFFF : stream.Extended;
        var total = pos + headerLength + (extended ? 4 : 0);
        if (span.Length < total)
        {
            return false;
        }
        var time = extended ? BinaryPrimitives.ReadUInt32BigEndian(span[(pos + headerLength)..]) : field;
        var newMessage = stream.Remaining == 0;
        switch (fmt)
        {
            case 0:
                stream.Timestamp = time;
                stream.Delta = 0;
                stream.Length = (int)ReadUInt24(span[(pos + 3)..]);
                stream.Type = span[pos + 6];
                stream.Extended = extended;
                newMessage = true;
                break;
            case 1:
                stream.Delta = time;
                stream.Timestamp += time;
                stream.Length = (int)ReadUInt24(span[(pos + 3)..]);
                stream.Type = span[pos + 6];
                stream.Extended = extended;
                newMessage = true;
                break;
            case 2:
                stream.Delta = time;
                stream.Timestamp += time;
                stream.Extended = extended;
                newMessage = true;
                break;
            default:
                if (newMessage)
                {
                    stream.Timestamp += stream.Delta;
                }
                break;
        }
        _start += total;
        _parsed += total;
        if (newMessage)
        {
            stream.Begin();
            if (stream.Length == 0)
            {
                Complete(stream);
                return true;
            }
        }
        _current = stream;
        _payloadLeft = Math.Min(_chunkSize, stream.Remaining);
        return true;
    }

    private ChunkStream StreamFor(int csid)
    {
        if (csid < _streams.Length)
        {
            return _streams[csid] ??= new ChunkStream();
        }
        _moreStreams ??= [];
        if (!_moreStreams.TryGetValue(csid, out var stream))
        {
            if (_moreStreams.Count >= 64)
            {
                throw new RtmpProtocolException("too many chunk streams");
            }
            stream = _moreStreams[csid] = new ChunkStream();
        }
        return stream;
    }

    private void Complete(ChunkStream stream)
    {
        var payload = stream.Captured;
        switch (stream.Type)
        {
            case RtmpMessageType.Audio:
            case RtmpMessageType.Video:
                OnMedia(stream.Type, payload);
                break;
            case RtmpMessageType.SetChunkSize when payload.Length >= 4:
                var size = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF);
                _chunkSize = size > 0 ? size : throw new RtmpProtocolException("chunk size 0");
                break;
            case RtmpMessageType.WindowAckSize when payload.Length >= 4:
                _ackWindow = BinaryPrimitives.ReadUInt32BigEndian(payload);
                break;
            case RtmpMessageType.UserControl when payload.Length >= 6:
                var eventType = BinaryPrimitives.ReadUInt16BigEndian(payload);
                var value = BinaryPrimitives.ReadUInt32BigEndian(payload[2..]);
                if (eventType == 6)
                {
                    var pong = new byte[32];
                    var header = RtmpChunkWriter.WriteHeader0(pong, 2, 0, 6, RtmpMessageType.UserControl, 0);
                    BinaryPrimitives.WriteUInt16BigEndian(pong.AsSpan(header), 7);
                    BinaryPrimitives.WriteUInt32BigEndian(pong.AsSpan(header + 2), value);
                    Outbox.Write(pong.AsSpan(0, header + 6));
                }
                else if (eventType == 1 && _playing)
                {
                    _ended = true; // StreamEOF
                }
                break;
            case RtmpMessageType.CommandAmf0:
                OnCommand(RtmpCommand.Parse(payload, amf3: false));
                break;
            case RtmpMessageType.CommandAmf3:
                OnCommand(RtmpCommand.Parse(payload, amf3: true));
                break;
            default:
                OtherMessages++;
                break;
        }
    }

    private void OnCommand(RtmpCommand command)
    {
        if (command.Name is "_result" or "_error")
        {
            if (command.Name == "_error")
            {
                throw new RtmpProtocolException($"{command} refused: {StatusCode(command)}");
            }
            if (command.TransactionId == 1)
            {
                WriteCommand(CommandCsid, 0, "createStream", 2, null);
            }
            else if (command.TransactionId == 2)
            {
                _streamId = command.Arguments.Count > 0 && command.Arguments[0] is double id ? (uint)id : 1;
                WriteCommand(PlayCsid, _streamId, "play", 0, null, _url.Stream, -2.0);
                RtmpControl.SetBufferLength(_writer!, Outbox, _streamId, 3000);
                PlayRequestTicks = System.Diagnostics.Stopwatch.GetTimestamp();
            }
            return;
        }
        if (command.Name != "onStatus")
        {
            return;
        }
        var code = StatusCode(command) ?? "";
        if (code == "NetStream.Play.Start")
        {
            _playing = true;
        }
        else if (code is "NetStream.Play.UnpublishNotify" or "NetStream.Play.Stop" or "NetStream.Play.Complete")
        {
            _ended = _playing;
        }
        else if (code.Contains("Failed", StringComparison.Ordinal) || code.Contains("NotFound", StringComparison.Ordinal)
            || code.Contains("Rejected", StringComparison.Ordinal) || code.Contains("BadName", StringComparison.Ordinal))
        {
            throw new RtmpProtocolException($"play refused: {code}");
        }
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

    private ArrayBufferWriter<byte> Outbox => _outbox ??= new ArrayBufferWriter<byte>(64);

    private void WriteCommand(int csid, uint streamId, string name, double transaction, object? commandObject, params object?[] args)
    {
        var body = new ArrayBufferWriter<byte>(256);
        RtmpCommand.Write(body, name, transaction, commandObject, args);
        _writer!.WriteMessage(Outbox, csid, 0, RtmpMessageType.CommandAmf0, streamId, body.WrittenSpan);
    }

    private async Task FlushOutboxAsync(Socket socket, CancellationToken cancellationToken)
    {
        if (_outbox is not { WrittenCount: > 0 } outbox)
        {
            return;
        }
        await socket.SendAsync(outbox.WrittenMemory, SocketFlags.None, cancellationToken);
        if (_playing && _writer is null)
        {
            _outbox = null; // rare after start (acks, pongs): do not keep a buffer per player
        }
        else
        {
            outbox.ResetWrittenCount();
        }
    }

    private static uint ReadUInt24(ReadOnlySpan<byte> data) => (uint)((data[0] << 16) | (data[1] << 8) | data[2]);

    /// <summary>Header state of one chunk stream plus the captured start of its current message.</summary>
    private sealed class ChunkStream
    {
        private byte[]? _capture;
        private int _captured;
        private int _limit;

        public uint Timestamp;
        public uint Delta;
        public int Length;
        public byte Type;
        public bool Extended;
        public int Remaining;

        public ReadOnlySpan<byte> Captured => _capture is null ? default : _capture.AsSpan(0, _captured);

        public void Begin()
        {
            Remaining = Length;
            _captured = 0;
            _limit = Type switch
            {
                RtmpMessageType.Audio or RtmpMessageType.Video => Math.Min(Length, MediaCapture),
                RtmpMessageType.Aggregate => 0,
                _ => Math.Min(Length, 64 * 1024),
            };
            if (_limit > 0 && (_capture is null || _capture.Length < _limit))
            {
                _capture = new byte[Math.Max(_limit, MediaCapture)];
            }
        }

        public void Capture(ReadOnlySpan<byte> bytes)
        {
            var take = Math.Min(bytes.Length, _limit - _captured);
            if (take > 0)
            {
                bytes[..take].CopyTo(_capture.AsSpan(_captured));
                _captured += take;
            }
        }
    }
}
