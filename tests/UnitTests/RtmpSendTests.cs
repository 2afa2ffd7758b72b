using OrleansLive.GatewayEdge.Protocols.Rtmp;

namespace OrleansLive.UnitTests;

public sealed class RtmpSendTests
{
    [Fact]
    public void Dropping_sent_bytes_keeps_exactly_the_unsent_tail_of_a_vectored_batch()
    {
        var a = new byte[] { 1, 2, 3 };
        var b = new byte[] { 4, 5 };
        var c = new byte[] { 6, 7, 8, 9 };
        List<ArraySegment<byte>> Batch() => [new(a), new(b), new(c)];
        static byte[] Bytes(List<ArraySegment<byte>> segments) => [.. segments.SelectMany(s => s)];

        for (var sent = 0; sent <= 9; sent++)
        {
            var segments = Batch();
            RtmpSession.DropSentBytes(segments, sent);
            Assert.Equal(Enumerable.Range(1 + sent, 9 - sent).Select(i => (byte)i), Bytes(segments));
            Assert.All(segments, s => Assert.True(s.Count > 0));
        }
    }
}
