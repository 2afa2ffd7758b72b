using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtp;

public class RtpReorderBufferTests
{
    private static byte[] Packet(ushort sequence)
    {
        var packet = new byte[13];
        RtpHeader.Write(packet, false, 96, sequence, 0, 1);
        return packet;
    }

    private static ushort Sequence(byte[] packet) => (ushort)((packet[2] << 8) | packet[3]);

    private static List<ushort> Drain(RtpReorderBuffer buffer)
    {
        var released = new List<ushort>();
        while (buffer.TryPop(out var packet))
        {
            released.Add(Sequence(packet));
        }

        return released;
    }

    [Fact]
    public void Shuffled_and_repeated_packets_come_out_in_order_across_wraparound()
    {
        var sequences = Enumerable.Range(65400, 300).Select(s => (ushort)s).ToList();
        var random = new Random(7);
        // Local shuffles after the first packet: none is more than 20 places from home.
        var shuffled = sequences.Take(1).Concat(sequences.Skip(1).Select((s, i) => (s, Key: i + random.Next(20))).OrderBy(p => p.Key).Select(p => p.s)).ToList();

        var buffer = new RtpReorderBuffer(64);
        var released = new List<ushort>();
        foreach (var sequence in shuffled)
        {
            Assert.True(buffer.Push(Packet(sequence)));
            if (random.Next(10) == 0)
            {
                Assert.False(buffer.Push(Packet(sequence)));
            }

            released.AddRange(Drain(buffer));
        }

        Assert.Equal(sequences, released);
        Assert.Equal(0, buffer.Count);
        Assert.Equal(0, buffer.LostPackets);
        Assert.Empty(buffer.GetMissing());
    }

    [Fact]
    public void Duplicates_and_old_packets_are_dropped()
    {
        var buffer = new RtpReorderBuffer(16);
        Assert.True(buffer.Push(Packet(65535)));
        Assert.True(buffer.Push(Packet(1)));
        Assert.False(buffer.Push(Packet(1)));
        Assert.Equal([65535], Drain(buffer));
        Assert.False(buffer.Push(Packet(65535)));
        Assert.True(buffer.Push(Packet(0)));
        Assert.Equal([0, 1], Drain(buffer));
        Assert.Equal(1, buffer.DuplicatePackets);
        Assert.Equal(1, buffer.LatePackets);
    }

    [Fact]
    public void Gaps_are_listed_for_nack_and_released_when_told_or_when_full()
    {
        var buffer = new RtpReorderBuffer(8);
        foreach (var sequence in new ushort[] { 65533, 65534, 1, 3 })
        {
            buffer.Push(Packet(sequence));
        }

        Assert.Equal([65533, 65534], Drain(buffer));
        Assert.Equal([65535, 0, 2], buffer.GetMissing());
        buffer.Push(Packet(0));
        Assert.Empty(Drain(buffer));
        Assert.Equal([65535, 2], buffer.GetMissing());
        buffer.SkipMissing();
        Assert.Equal([0, 1], Drain(buffer));
        Assert.Equal(1, buffer.LostPackets);

        // Window overflow: 12 is 10 past 2, so the window moves on to start at 5, releasing 3.
        buffer.Push(Packet(12));
        Assert.Equal([3], Drain(buffer));
        Assert.Equal([5, 6, 7, 8, 9, 10, 11], buffer.GetMissing());
        Assert.Equal(3, buffer.LostPackets); // 2 and 4
    }

    [Fact]
    public void A_sender_that_restarts_its_sequence_is_followed()
    {
        var buffer = new RtpReorderBuffer(16);
        for (var s = 1000; s < 1010; s++)
        {
            buffer.Push(Packet((ushort)s));
        }

        Drain(buffer);
        var released = new List<ushort>();
        for (var s = 40000; s < 40040; s++)
        {
            buffer.Push(Packet((ushort)s));
            released.AddRange(Drain(buffer));
        }

        Assert.NotEmpty(released);
        Assert.Equal(40039, released[^1]);
    }
}
