using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.WebRtc;

namespace OrleansLive.UnitTests.Rtc.Gateway;

public sealed class UdpMultiSendTests
{
    [Fact]
    public async Task A_batch_reaches_the_peer_whole_and_in_order_in_one_system_call()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var path = new RtcUdpPath(server, peer.LocalEndPoint!.Serialize());
        var batch = UdpMultiSend.ForThisThread();
        for (var i = 0; i < 70; i++)
        {
            if (batch.IsFull)
            {
                Assert.Equal(UdpMultiSend.MaxDatagrams, batch.Flush(path));
            }
            var room = batch.Next;
            room[..(100 + i)].Fill((byte)i);
            batch.Commit(100 + i);
        }
        Assert.Equal(70 - UdpMultiSend.MaxDatagrams, batch.Flush(path));
        Assert.True(UdpMultiSend.NativeAvailable, "sendmmsg should be in use on Linux");

        var buffer = new byte[2000];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 70; i++)
        {
            var received = await peer.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            Assert.Equal(100 + i, received);
            Assert.True(buffer.AsSpan(0, received).IndexOfAnyExcept((byte)i) < 0);
        }
    }

    [Fact]
    public async Task Runs_of_equal_datagrams_sent_with_segmentation_offload_arrive_as_the_same_datagrams()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20 };
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var path = new RtcUdpPath(server, peer.LocalEndPoint!.Serialize());
        // A keyframe's fragments with a shorter last one, a lone audio packet, a short run, equal small
        // packets, and 56 full ones (more bytes than one segmented send may carry).
        int[] sizes = [1200, 1200, 1200, 700, 300, 1200, 1200, 50, 50, 50, .. Enumerable.Repeat(1200, 54)];
        var batch = UdpMultiSend.ForThisThread();
        for (var i = 0; i < sizes.Length; i++)
        {
            var room = batch.Next;
            room[..sizes[i]].Fill((byte)i);
            batch.Commit(sizes[i]);
        }
        Assert.Equal(sizes.Length, batch.Flush(path));
        Assert.True(UdpMultiSend.SegmentationAvailable, "UDP_SEGMENT should be in use on this kernel");

        var buffer = new byte[70000];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        for (var i = 0; i < sizes.Length; i++)
        {
            var received = await peer.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            Assert.Equal(sizes[i], received);
            Assert.True(buffer.AsSpan(0, received).IndexOfAnyExcept((byte)i) < 0, $"datagram {i} whole");
        }
    }
}
