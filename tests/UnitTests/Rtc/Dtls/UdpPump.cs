using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

namespace OrleansLive.UnitTests.Rtc.Dtls;

/// <summary>
/// A UDP socket feeding one <see cref="QueuedDatagramTransport"/>, as the gateway's shared socket
/// does: DTLS datagrams (first byte 20..63) go in, sends go to the peer's latest address.
/// </summary>
internal sealed class UdpPump : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private EndPoint? _peer;

    public UdpPump(IPEndPoint? peer = null)
    {
        _peer = peer;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Transport = new QueuedDatagramTransport(datagram =>
        {
            if (Volatile.Read(ref _peer) is { } to)
                _socket.SendTo(datagram, SocketFlags.None, to);
        });
        _loop = ReceiveLoop();
    }

    public QueuedDatagramTransport Transport { get; }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    private async Task ReceiveLoop()
    {
        var buffer = new byte[2048];
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                Volatile.Write(ref _peer, received.RemoteEndPoint);
                if (received.ReceivedBytes > 0 && buffer[0] is >= 20 and <= 63)
                    Transport.Enqueue(buffer.AsSpan(0, received.ReceivedBytes));
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(10));
        Transport.Close();
        _stop.Dispose();
    }
}
