using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// An ICE-TCP connection (RFC 6544 passive candidate): datagrams framed by a 2-byte length (RFC 4571)
/// both ways. Sends queue whole frames for one writer, so a slow connection loses datagrams, as UDP
/// would, instead of blocking the sender or splitting a frame.
/// </summary>
internal sealed class RtcTcpPath : IRtcPeerPath, IDisposable
{
    private const int MaxQueuedFrames = 1024;

    private readonly Socket _socket;
    private readonly Channel<(byte[] Buffer, int Length)> _frames =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(MaxQueuedFrames) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public RtcTcpPath(Socket socket)
    {
        _socket = socket;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        Writer = Task.Run(WriteAsync);
    }

    public IPEndPoint RemoteEndPoint { get; }

    public string Protocol => "tcp";

    public Task Writer { get; }

    public bool Send(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length > ushort.MaxValue)
        {
            return false;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length + 2);
        BinaryPrimitives.WriteUInt16BigEndian(buffer, (ushort)datagram.Length);
        datagram.CopyTo(buffer.AsSpan(2));
        if (_frames.Writer.TryWrite((buffer, datagram.Length + 2)))
        {
            return true;
        }
        ArrayPool<byte>.Shared.Return(buffer);
        return false;
    }

    /// <summary>Reads the next framed datagram into <paramref name="buffer"/>; 0 at the end of the connection.</summary>
    public async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        if (!await ReadExactlyAsync(header, cancellationToken))
        {
            return 0;
        }
        var length = BinaryPrimitives.ReadUInt16BigEndian(header);
        if (length == 0 || length > buffer.Length)
        {
            throw new InvalidDataException($"ICE-TCP frame of {length} bytes (at most {buffer.Length})");
        }
        return await ReadExactlyAsync(buffer[..length], cancellationToken) ? length : 0;
    }

    public void Dispose()
    {
        _frames.Writer.TryComplete();
        _socket.Dispose();
    }

    private async ValueTask<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        for (var read = 0; read < buffer.Length;)
        {
            var n = await _socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return true;
    }

    private async Task WriteAsync()
    {
        try
        {
            await foreach (var (buffer, length) in _frames.Reader.ReadAllAsync())
            {
                try
                {
                    await _socket.SendAsync(buffer.AsMemory(0, length), SocketFlags.None);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The connection is gone; the session ends when its reader sees it or its idle timer fires.
        }
    }
}
