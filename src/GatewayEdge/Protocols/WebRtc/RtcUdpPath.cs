using System.Net;
using System.Net.Sockets;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>A peer's address on the gateway's one WebRTC UDP socket.</summary>
internal sealed class RtcUdpPath : IRtcPeerPath
{
    private readonly Socket _socket;

    public RtcUdpPath(Socket socket, SocketAddress address)
    {
        _socket = socket;
        Address = address;
        RemoteEndPoint = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address);
        NativeAddress = RemoteEndPoint.AddressFamily == socket.AddressFamily ? UdpMultiSend.NativeAddressOf(RemoteEndPoint) : null;
    }

    public Socket Socket => _socket;

    /// <summary>The address for <see cref="UdpMultiSend"/>; null when it must go through <see cref="Send"/>.</summary>
    public byte[]? NativeAddress { get; }

    /// <summary>The peer's address as the socket reports it (the key of the address table).</summary>
    public SocketAddress Address { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public string Protocol => "udp";

    public bool Send(ReadOnlySpan<byte> datagram)
    {
        try
        {
            return _socket.SendTo(datagram, SocketFlags.None, Address) == datagram.Length;
        }
        catch (SocketException)
        {
            // A full send buffer or an ICMP error from an earlier send: this datagram is lost, as on the wire.
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }
}
