using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtp;

public class TransportCcFeedbackTests
{
    private static RtcpTransportFeedback Parse(byte[] packet)
    {
        Assert.Equal(0, packet.Length % 4);
        Assert.True(RtcpCompound.TryParse(packet, out var packets));
        return Assert.IsType<RtcpTransportFeedback>(Assert.Single(packets));
    }

    [Fact]
    public void Feedback_round_trips_with_losses_reordering_and_large_deltas()
    {
        // Arrivals in 250 µs ticks so they survive exactly; seq 65534..6 across wraparound.
        const long start = 10_000_000;
        var received = new List<(ushort, long)>
        {
            (65534, start + 1000),
            (0, start + 2000),
            (65535, start + 1500),
            (1, start + 70_000), // 68 ms later: a 2-byte delta
            (2, start + 60_000), // earlier than seq 1: a negative delta
            (6, start + 61_000),
        };
        var builder = new TransportCcFeedback(0xAAAA, 0xBBBB);
        var feedback = Parse(Assert.Single(builder.Build(received)));
        Assert.Equal((0xAAAAu, 0xBBBBu, (ushort)65534, (ushort)9, (byte)0), (feedback.SenderSsrc, feedback.MediaSsrc, feedback.BaseSequence, feedback.StatusCount, feedback.FeedbackCount));
        Assert.Equal((start + 1000) / 64_000, feedback.ReferenceTime);
        var arrivals = received.ToDictionary(r => r.Item1, r => r.Item2);
        Assert.Equal(9, feedback.Packets.Count);
        foreach (var packet in feedback.Packets)
        {
            Assert.Equal(arrivals.ContainsKey(packet.Sequence), packet.Received);
            if (packet.Received)
            {
                Assert.Equal(arrivals[packet.Sequence], packet.ArrivalMicros);
            }
        }

        Assert.Equal(1, Parse(builder.Build([(7, start + 80_000)])[0]).FeedbackCount);
    }

    [Fact]
    public void Long_runs_use_run_length_chunks_and_mixed_stretches_use_vectors()
    {
        var received = Enumerable.Range(0, 100).Select(i => ((ushort)i, 1_000_000L + (i * 1000))).ToList(); // 4-tick deltas
        received.Add((300, 1_200_000)); // 199 lost, then one with a large delta
        received.AddRange(Enumerable.Range(301, 20).Where(i => i % 3 != 0).Select(i => ((ushort)i, 1_200_000L + (i * 250))));
        var packet = new TransportCcFeedback(1, 2).Build(received).Single();
        var feedback = Parse(packet);
        Assert.Equal(321, feedback.StatusCount);
        Assert.Equal(received.Count, feedback.Packets.Count(p => p.Received));
        Assert.All(received, r => Assert.Equal(r.Item2, feedback.Packets[r.Item1].ArrivalMicros));
        // 100 received (1 chunk), 199 lost (1 chunk), then mixed vectors: far fewer than one chunk per packet.
        Assert.InRange((packet.Length - 20 - received.Count) / 2, 3, 10);
    }

    [Fact]
    public void Deltas_beyond_16_bits_start_another_feedback_packet()
    {
        var builder = new TransportCcFeedback(1, 2);
        var packets = builder.Build([(10, 0), (11, 9_000_000), (12, 9_001_000)]);
        Assert.Equal(2, packets.Count);
        var first = Parse(packets[0]);
        var second = Parse(packets[1]);
        Assert.Equal(((ushort)10, (ushort)1), (first.BaseSequence, first.StatusCount));
        Assert.Equal(((ushort)11, (ushort)2, (byte)1), (second.BaseSequence, second.StatusCount, second.FeedbackCount));
        Assert.Equal(9_001_000, second.Packets[1].ArrivalMicros);
    }
}
