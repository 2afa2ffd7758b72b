using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using static OrleansLive.UnitTests.Rtc.Dtls.DtlsTestPeers;

namespace OrleansLive.UnitTests.Rtc.Dtls;

public class DtlsHandshakerLimitTests
{
    private static QueuedDatagramTransport Silent() => new(_ => { });

    [Fact]
    public async Task HandshakeBeyondTheBoundIsRefused()
    {
        var handshaker = new DtlsHandshaker(new DtlsHandshakerOptions { MaxConcurrent = 2, MaxQueued = 0, Timeout = TimeSpan.FromMinutes(1) });
        using var cancel = new CancellationTokenSource();
        var first = handshaker.AcceptAsync(Silent(), Server(), cancel.Token);
        var second = handshaker.AcceptAsync(Silent(), Server(), cancel.Token);
        var extra = Silent();

        var refused = await handshaker.AcceptAsync(extra, Server()).WaitAsync(Deadline);

        Assert.Equal(DtlsOutcome.Refused, refused.Outcome);
        Assert.Contains("2 DTLS handshakes running", refused.Error);
        Assert.True(extra.IsClosed);
        Assert.Equal(2, handshaker.Admitted);

        await cancel.CancelAsync();
        var ended = await Task.WhenAll(first, second).WaitAsync(Deadline);
        Assert.All(ended, r => Assert.Equal(DtlsOutcome.Cancelled, r.Outcome));
        Assert.Equal(0, handshaker.Admitted);
        Assert.Equal(0, handshaker.Running);
    }

    [Fact]
    public async Task QueuedHandshakeRunsWhenASlotFrees()
    {
        var handshaker = new DtlsHandshaker(new DtlsHandshakerOptions { MaxConcurrent = 1, MaxQueued = 1, Timeout = TimeSpan.FromMinutes(1) });
        using var cancel = new CancellationTokenSource();
        var blocking = handshaker.AcceptAsync(Silent(), Server(), cancel.Token);
        var link = new DatagramLink();
        var queued = handshaker.AcceptAsync(link.Server, Server());
        var refused = await handshaker.AcceptAsync(Silent(), Server()).WaitAsync(Deadline);
        Assert.Equal(DtlsOutcome.Refused, refused.Outcome);

        // The client's own handshake runs beside the handshaker, so only the server side waits.
        var client = new DtlsHandshaker().ConnectAsync(link.Client, Client(resendMillis: 100));
        Assert.False(queued.IsCompleted);
        await cancel.CancelAsync();
        Assert.Equal(DtlsOutcome.Cancelled, (await blocking.WaitAsync(Deadline)).Outcome);

        var results = await Task.WhenAll(queued, client).WaitAsync(Deadline);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
    }

    [Fact]
    public async Task SilentPeerTimesOutAndFreesItsSlot()
    {
        var handshaker = new DtlsHandshaker(new DtlsHandshakerOptions { MaxConcurrent = 1, MaxQueued = 0, Timeout = TimeSpan.FromSeconds(3) });
        var silent = Silent();

        var timedOut = await handshaker.AcceptAsync(silent, Server()).WaitAsync(Deadline);

        Assert.Equal(DtlsOutcome.TimedOut, timedOut.Outcome);
        Assert.True(silent.IsClosed);
        Assert.Equal(0, handshaker.Admitted);

        var link = new DatagramLink();
        var results = await Task.WhenAll(handshaker.AcceptAsync(link.Server, Server()), new DtlsHandshaker().ConnectAsync(link.Client, Client()))
            .WaitAsync(Deadline);
        Assert.All(results, r => Assert.True(r.Succeeded, r.ToString()));
    }
}
