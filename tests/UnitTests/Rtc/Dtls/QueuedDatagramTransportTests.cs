using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

namespace OrleansLive.UnitTests.Rtc.Dtls;

public class QueuedDatagramTransportTests
{
    [Fact]
    public void ReceiveReturnsQueuedDatagramsInOrderThenMinusOneOnTimeout()
    {
        var transport = new QueuedDatagramTransport(_ => { });
        Assert.True(transport.Enqueue([22, 1, 2]));
        Assert.True(transport.Enqueue([23, 4]));
        var buffer = new byte[10];

        Assert.Equal(3, transport.Receive(buffer, 0, buffer.Length, 1000));
        Assert.Equal(new byte[] { 22, 1, 2 }, buffer[..3]);
        Assert.Equal(2, transport.Receive(buffer.AsSpan(), 1000));
        Assert.Equal(-1, transport.Receive(buffer, 0, buffer.Length, 20));
    }

    [Fact]
    public void FullQueueAndOversizedDatagramsAreDropped()
    {
        var transport = new QueuedDatagramTransport(_ => { }, mtu: 1200, queueCapacity: 2);
        Assert.True(transport.Enqueue([22]));
        Assert.True(transport.Enqueue([22]));
        Assert.False(transport.Enqueue([22]));
        Assert.False(transport.Enqueue(new byte[QueuedDatagramTransport.MaxDatagramSize + 1]));
        Assert.False(transport.Enqueue([]));
        Assert.Equal(3, transport.Dropped);
        Assert.Equal(2, transport.Pending);
    }

    [Fact]
    public void LimitsFollowTheMtu()
    {
        var transport = new QueuedDatagramTransport(_ => { }, mtu: 1000);
        Assert.Equal(1000, transport.GetSendLimit());
        Assert.Equal(QueuedDatagramTransport.MaxDatagramSize, transport.GetReceiveLimit());
    }

    [Fact]
    public async Task CloseWakesABlockedReceive()
    {
        var transport = new QueuedDatagramTransport(_ => { });
        var started = new TaskCompletionSource();
        var receive = Task.Factory.StartNew(() =>
        {
            started.SetResult();
            return transport.Receive(new byte[100], 0, 100, 0);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        transport.Close();

        await Assert.ThrowsAsync<IOException>(() => receive.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(transport.Enqueue([22]));
        Assert.Throws<IOException>(() => transport.Receive(new byte[10], 0, 10, 10));
    }

    [Fact]
    public void SendGoesThroughTheCallbackUntilClosed()
    {
        var sent = new List<byte[]>();
        var transport = new QueuedDatagramTransport(d => sent.Add(d.ToArray()));
        transport.Send([1, 2, 3], 1, 2);
        transport.Close();
        transport.Send([9]);
        Assert.Equal(new byte[] { 2, 3 }, Assert.Single(sent));
    }

    [Fact]
    public void SocketErrorsOnSendAreLostLikeUdp()
    {
        var transport = new QueuedDatagramTransport(_ => throw new System.Net.Sockets.SocketException(111));
        transport.Send([1]);
    }
}
