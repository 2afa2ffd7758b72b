using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.LoadTool;

/// <summary>
/// A lean HTTP streaming player over a raw socket: one GET, then a streaming parser for chunked (or
/// plain) transfer coding that hands the body, as it arrives, to the container parser of the subclass.
/// </summary>
public abstract class HttpStreamPlayer : SocketPlayer
{
    private readonly Uri _url;
    private readonly EndPoint _remote;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private bool _chunked;

    // Transfer coding state.
    private long _chunkLeft;
    private bool _chunkCrlf;
    private bool _lastChunk;
    private long _sizeLine;
    private bool _sizeDigits;
    private bool _sizeExtension;

    protected HttpStreamPlayer(int index, Uri url, EndPoint remote, PlayerContext context)
        : base(index, Path.GetFileNameWithoutExtension(url.AbsolutePath), context)
    {
        _url = url;
        _remote = remote;
        _buffer = new byte[Math.Max(4096, context.Options.PlayerBufferBytes)];
    }

    protected override EndPoint RemoteEndPoint => _remote;

    /// <summary>Takes the next bytes of the response body (transfer coding removed).</summary>
    protected abstract void Body(ReadOnlySpan<byte> data);

    protected override async Task StartAsync(Socket socket, CancellationToken cancellationToken)
    {
        var request = $"GET {_url.PathAndQuery} HTTP/1.1\r\nHost: {_url.Authority}\r\nUser-Agent: OrleansLive.LoadTool\r\nAccept: */*\r\n\r\n";
        PlayRequestTicks = System.Diagnostics.Stopwatch.GetTimestamp();
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken);
        while (true)
        {
            if (_end == _buffer.Length)
            {
                throw new IOException("HTTP response headers too long");
            }
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("server closed the connection before answering");
            }
            _end += read;
            BytesReceived += read;
            var headerEnd = _buffer.AsSpan(0, _end).IndexOf("\r\n\r\n"u8);
            if (headerEnd < 0)
            {
                continue;
            }
            var head = Encoding.ASCII.GetString(_buffer, 0, headerEnd);
            var lines = head.Split("\r\n");
            var status = lines[0].Split(' ');
            if (status.Length < 2 || status[1] != "200")
            {
                throw new IOException($"HTTP answer: {lines[0]}");
            }
            _chunked = lines.Any(l => l.StartsWith("transfer-encoding:", StringComparison.OrdinalIgnoreCase) && l.Contains("chunked", StringComparison.OrdinalIgnoreCase));
            _start = headerEnd + 4;
            return;
        }
    }

    protected override async Task ReceiveLoopAsync(Socket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!Process())
            {
                return;
            }
            // No token: the run ends a receive by closing the socket.
            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None);
            if (read == 0)
            {
                return;
            }
            _end += read;
            BytesReceived += read;
        }
    }

    /// <summary>Consumes the buffer; false once the body has ended.</summary>
    private bool Process()
    {
        while (_start < _end)
        {
            if (!_chunked)
            {
                Body(_buffer.AsSpan(_start, _end - _start));
                _start = _end;
                break;
            }
            if (_chunkLeft > 0)
            {
                var count = (int)Math.Min(_chunkLeft, _end - _start);
                Body(_buffer.AsSpan(_start, count));
                _start += count;
                _chunkLeft -= count;
                _chunkCrlf = _chunkLeft == 0;
                continue;
            }
            var b = _buffer[_start++];
            if (_chunkCrlf)
            {
                // The CRLF after a chunk's data.
                if (b == '\n')
                {
                    _chunkCrlf = false;
                    if (_lastChunk)
                    {
                        return false;
                    }
                }
                continue;
            }
            if (b == '\n')
            {
                if (!_sizeDigits)
                {
                    throw new IOException("bad chunk size line");
                }
                _chunkLeft = _sizeLine;
                _lastChunk = _sizeLine == 0;
                _chunkCrlf = _lastChunk;
                _sizeLine = 0;
                _sizeDigits = _sizeExtension = false;
                continue;
            }
            if (b == '\r' || _sizeExtension)
            {
                continue;
            }
            if (b == ';')
            {
                _sizeExtension = true;
                continue;
            }
            var digit = HexValue(b);
            if (digit < 0 || _sizeLine > int.MaxValue)
            {
                throw new IOException("bad chunk size line");
            }
            _sizeLine = (_sizeLine << 4) | (uint)digit;
            _sizeDigits = true;
        }
        _start = _end = 0;
        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
