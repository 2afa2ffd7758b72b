using System.Net;
using System.Net.Sockets;

namespace OrleansLive.LoadTool;

/// <summary>A player over one TCP connection (RTMP, HTTP-FLV, HTTP-TS), optionally bound to one of
/// several loopback source addresses.</summary>
public abstract class SocketPlayer : LoadPlayer
{
    private Socket? _socket;

    protected SocketPlayer(int index, string stream, PlayerContext context)
        : base(index, stream, context)
    {
    }

    protected abstract EndPoint RemoteEndPoint { get; }

    public override void Close() => Volatile.Read(ref _socket)?.Dispose();

    /// <summary>Handshake and play request; returns once the server accepted the play.</summary>
    protected abstract Task StartAsync(Socket socket, CancellationToken cancellationToken);

    /// <summary>Reads media until the server or the run ends the connection.</summary>
    protected abstract Task ReceiveLoopAsync(Socket socket, CancellationToken cancellationToken);

    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        var socket = await ConnectAsync(cancellationToken);
        Volatile.Write(ref _socket, socket);
        await StartAsync(socket, cancellationToken);
    }

    protected override Task PlayAsync(CancellationToken cancellationToken) => ReceiveLoopAsync(_socket!, cancellationToken);

    protected override void Release() => Volatile.Read(ref _socket)?.Dispose();

    private async Task<Socket> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (Options.ReceiveBufferBytes > 0)
            {
                socket.ReceiveBufferSize = Options.ReceiveBufferBytes;
            }
            var remote = RemoteEndPoint;
            if (Options.SourceAddresses > 1 && remote is IPEndPoint { Address: var address } && IPAddress.IsLoopback(address) && address.AddressFamily == AddressFamily.InterNetwork)
            {
                // Each loopback source address has its own ephemeral port range.
                var bytes = IPAddress.Loopback.GetAddressBytes();
                bytes[3] = (byte)(1 + (Index % Options.SourceAddresses));
                socket.Bind(new IPEndPoint(new IPAddress(bytes), 0));
            }
            await socket.ConnectAsync(remote, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
