using System.Net;
using System.Net.Sockets;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>
/// The server's two UDP ports of one track of a UDP session (RTP on an even port, RTCP on the next):
/// sends to the client's pair, and receives from the client's address only (a publisher's RTP, a
/// player's receiver reports); datagrams from anywhere else are ignored.
/// </summary>
internal sealed class RtspUdpPair : IDisposable
{
    private const int Attempts = 64;
    private const int MaxDatagram = 65536;

    private RtspUdpPair(Socket rtp, Socket rtcp)
    {
        Rtp = rtp;
        Rtcp = rtcp;
    }

    public Socket Rtp { get; }

    public Socket Rtcp { get; }

    public int RtpPort => ((IPEndPoint)Rtp.LocalEndPoint!).Port;

    public int RtcpPort => ((IPEndPoint)Rtcp.LocalEndPoint!).Port;

    private IPEndPoint? _rtpRemote;
    private IPEndPoint? _rtcpRemote;

    /// <summary>A free even/odd pair on <paramref name="address"/>; null when none was found.</summary>
    public static RtspUdpPair? Open(IPAddress address)
    {
        for (var i = 0; i < Attempts; i++)
        {
            var rtp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                rtp.Bind(new IPEndPoint(address, 0));
                var port = ((IPEndPoint)rtp.LocalEndPoint!).Port;
                if (port % 2 != 0 || port == 65534)
                {
                    rtp.Dispose();
                    continue;
                }
                var rtcp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                try
                {
                    rtcp.Bind(new IPEndPoint(address, port + 1));
                    return new RtspUdpPair(rtp, rtcp);
                }
                catch (SocketException)
                {
                    rtcp.Dispose();
                    rtp.Dispose();
                }
            }
            catch (SocketException)
            {
                rtp.Dispose();
            }
        }
        return null;
    }

    public void SetRemote(IPAddress address, int rtpPort, int rtcpPort)
    {
        _rtpRemote = new IPEndPoint(address, rtpPort);
        _rtcpRemote = new IPEndPoint(address, rtcpPort);
    }

    public bool SendRtp(ReadOnlySpan<byte> packet) => Send(Rtp, _rtpRemote, packet);

    public bool SendRtcp(ReadOnlySpan<byte> packet) => Send(Rtcp, _rtcpRemote, packet);

    private static bool Send(Socket socket, IPEndPoint? remote, ReadOnlySpan<byte> packet)
    {
        if (remote is null)
        {
            return false;
        }
        try
        {
            socket.SendTo(packet, SocketFlags.None, remote);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A datagram that cannot go is a lost datagram: the RTSP connection says whether the client is there.
            return false;
        }
    }

    /// <summary>Receives on both ports until disposed, handing datagrams from <paramref name="from"/> on (rtcp tells which port).</summary>
    public Task ReceiveAsync(IPAddress from, Action<ReadOnlyMemory<byte>, bool> onPacket) =>
        Task.WhenAll(ReceiveLoopAsync(Rtp, from, onPacket, rtcp: false), ReceiveLoopAsync(Rtcp, from, onPacket, rtcp: true));

    private static async Task ReceiveLoopAsync(Socket socket, IPAddress from, Action<ReadOnlyMemory<byte>, bool> onPacket, bool rtcp)
    {
        var buffer = new byte[MaxDatagram];
        EndPoint any = new IPEndPoint(from.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (true)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, any);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue; // an ICMP error for one of our sends
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            if (result.RemoteEndPoint is IPEndPoint sender && sender.Address.Equals(from))
            {
                onPacket(buffer.AsMemory(0, result.ReceivedBytes), rtcp);
            }
        }
    }

    public void Dispose()
    {
        Rtp.Dispose();
        Rtcp.Dispose();
    }
}
