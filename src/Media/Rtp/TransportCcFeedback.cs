using System.Buffers.Binary;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
/// 3.1): the reader, and a builder that turns (transport sequence, arrival time) pairs into feedback
/// packets. Arrival deltas are in 250 µs ticks, the reference time in 64 ms units.
/// </summary>
public sealed class TransportCcFeedback(uint senderSsrc, uint mediaSsrc)
{
    /// <summary>Received packets per feedback packet, which keeps it well under an MTU.</summary>
    public const int MaxReceivedPerPacket = 256;

    private const int TickMicros = 250;
    private const int ReferenceMicros = 64_000;
    private const int ReferenceTicks = ReferenceMicros / TickMicros;

    private byte _feedbackCount;

    /// <summary>Feedback packets (each a whole RTCP packet) for these packets, in transport
    /// sequence order whatever order they are given in. Another packet starts when a delta does
    /// not fit 16 bits or after <see cref="MaxReceivedPerPacket"/> packets.</summary>
    public List<byte[]> Build(IReadOnlyList<(ushort Sequence, long ArrivalMicros)> received)
    {
        var feedback = new List<byte[]>();
        if (received.Count == 0)
        {
            return feedback;
        }

        // Order by sequence extended around the first; the first arrival of a duplicate counts.
        var first = received[0].Sequence;
        var ordered = received.Select(r => (Extended: first + (long)(short)(r.Sequence - first), r.ArrivalMicros))
            .DistinctBy(r => r.Extended).OrderBy(r => r.Extended).ToList();
        for (var start = 0; start < ordered.Count;)
        {
            var referenceTime = FloorDiv(ordered[start].ArrivalMicros, ReferenceMicros);
            var previousTick = referenceTime * ReferenceTicks;
            var deltas = new List<int>();
            var end = start;
            while (end < ordered.Count && end - start < MaxReceivedPerPacket)
            {
                var tick = FloorDiv(ordered[end].ArrivalMicros, TickMicros);
                var delta = tick - previousTick;
                if (delta is < short.MinValue or > short.MaxValue)
                {
                    break;
                }

                deltas.Add((int)delta);
                previousTick = tick;
                end++;
            }

            if (end == start)
            {
                end++; // unreachable for the first packet: its delta is under one reference unit
            }

            feedback.Add(Write(ordered.GetRange(start, end - start).ConvertAll(r => r.Extended), deltas, referenceTime));
            start = end;
        }

        return feedback;
    }

    private byte[] Write(List<long> sequences, List<int> deltas, long referenceTime)
    {
        var baseSequence = sequences[0];
        var count = (int)(sequences[^1] - baseSequence + 1);
        // Status symbols: 0 not received, 1 small delta (1 byte), 2 large or negative delta (2 bytes).
        var symbols = new byte[count];
        var deltaBytes = 0;
        for (var i = 0; i < sequences.Count; i++)
        {
            var small = deltas[i] is >= 0 and <= 255;
            symbols[sequences[i] - baseSequence] = (byte)(small ? 1 : 2);
            deltaBytes += small ? 1 : 2;
        }

        var chunks = EncodeChunks(symbols);
        var length = 4 + 8 + 8 + (2 * chunks.Count) + deltaBytes;
        var padding = (4 - (length % 4)) % 4;
        var packet = new byte[length + padding];
        packet[0] = (byte)(0x80 | (padding > 0 ? 0x20 : 0) | RtcpPacketType.TransportWideCc);
        packet[1] = RtcpPacketType.TransportFeedback;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length / 4) - 1));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), senderSsrc);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), mediaSsrc);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12), (ushort)baseSequence);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14), (ushort)count);
        var reference = (int)(referenceTime & 0xFFFFFF);
        packet[16] = (byte)(reference >> 16);
        packet[17] = (byte)(reference >> 8);
        packet[18] = (byte)reference;
        packet[19] = _feedbackCount++;
        var at = 20;
        foreach (var chunk in chunks)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(at), chunk);
            at += 2;
        }

        foreach (var delta in deltas)
        {
            if (delta is >= 0 and <= 255)
            {
                packet[at++] = (byte)delta;
            }
            else
            {
                BinaryPrimitives.WriteInt16BigEndian(packet.AsSpan(at), (short)delta);
                at += 2;
            }
        }

        if (padding > 0)
        {
            packet[^1] = (byte)padding;
        }

        return packet;
    }

    // Run-length chunks for long runs of one symbol, status vectors (14 one-bit or 7 two-bit
    // symbols) for mixed stretches.
    private static List<ushort> EncodeChunks(byte[] symbols)
    {
        var chunks = new List<ushort>();
        for (var i = 0; i < symbols.Length;)
        {
            var run = 1;
            while (i + run < symbols.Length && symbols[i + run] == symbols[i] && run < 0x1FFF)
            {
                run++;
            }

            if (run >= 14 || i + run == symbols.Length)
            {
                chunks.Add((ushort)((symbols[i] << 13) | run));
                i += run;
                continue;
            }

            var take = Math.Min(14, symbols.Length - i);
            if (symbols.AsSpan(i, take).IndexOf((byte)2) < 0)
            {
                var chunk = 0x8000;
                for (var k = 0; k < take; k++)
                {
                    chunk |= symbols[i + k] << (13 - k);
                }

                chunks.Add((ushort)chunk);
                i += take;
            }
            else
            {
                take = Math.Min(7, symbols.Length - i);
                var chunk = 0xC000;
                for (var k = 0; k < take; k++)
                {
                    chunk |= symbols[i + k] << (12 - (2 * k));
                }

                chunks.Add((ushort)chunk);
                i += take;
            }
        }

        return chunks;
    }

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);

    /// <summary>Reads the FCI of a transport-wide feedback packet (after the two SSRCs). Only the
    /// received packets are kept (each needs a delta byte, so they are bounded by the packet's size);
    /// the lost ones the status count implies are answered by the list without being stored, so a
    /// few bytes claiming 65,535 lost packets cost no more than they weigh.</summary>
    internal static bool TryParse(uint sender, uint media, ReadOnlySpan<byte> fci, out RtcpPacket? packet)
    {
        packet = null;
        if (fci.Length < 8)
        {
            return false;
        }

        var baseSequence = BinaryPrimitives.ReadUInt16BigEndian(fci);
        var count = BinaryPrimitives.ReadUInt16BigEndian(fci[2..]);
        var referenceTime = ((fci[4] << 24) | (fci[5] << 16) | (fci[6] << 8)) >> 8;
        var feedbackCount = fci[7];
        // Index and symbol (1: small delta, 2: large delta) of each received packet.
        var received = new List<(int Index, byte Symbol)>();
        var n = 0;
        var at = 8;
        var maxReceived = fci.Length;
        bool Add(byte symbol, int length)
        {
            if (symbol == 0)
            {
                n += length;
                return true;
            }
            if (symbol == 3 || received.Count + length > maxReceived)
            {
                return false; // reserved symbol, or more received packets than delta bytes could follow
            }
            for (var k = 0; k < length; k++)
            {
                received.Add((n++, symbol));
            }
            return true;
        }

        while (n < count)
        {
            if (at + 2 > fci.Length)
            {
                return false;
            }

            var chunk = BinaryPrimitives.ReadUInt16BigEndian(fci[at..]);
            at += 2;
            var ok = true;
            if ((chunk & 0x8000) == 0)
            {
                ok = Add((byte)((chunk >> 13) & 0x03), Math.Min(chunk & 0x1FFF, count - n));
            }
            else if ((chunk & 0x4000) == 0)
            {
                for (var k = 0; k < 14 && n < count && ok; k++)
                {
                    ok = Add((byte)((chunk >> (13 - k)) & 0x01), 1);
                }
            }
            else
            {
                for (var k = 0; k < 7 && n < count && ok; k++)
                {
                    ok = Add((byte)((chunk >> (12 - (2 * k))) & 0x03), 1);
                }
            }
            if (!ok)
            {
                return false;
            }
        }

        var indices = new int[received.Count];
        var times = new long[received.Count];
        var time = (long)referenceTime * ReferenceMicros;
        for (var i = 0; i < received.Count; i++)
        {
            if (received[i].Symbol == 1 && at < fci.Length)
            {
                time += fci[at++] * TickMicros;
            }
            else if (received[i].Symbol == 2 && at + 2 <= fci.Length)
            {
                time += BinaryPrimitives.ReadInt16BigEndian(fci[at..]) * TickMicros;
                at += 2;
            }
            else
            {
                return false; // deltas cut short
            }
            (indices[i], times[i]) = (received[i].Index, time);
        }

        packet = new RtcpTransportFeedback(sender, media, baseSequence, count, referenceTime, feedbackCount,
            new TransportCcPacketList(baseSequence, count, indices, times));
        return true;
    }
}

/// <summary>Every packet a transport-wide feedback covers, in sequence order, from the received ones alone.</summary>
internal sealed class TransportCcPacketList(ushort baseSequence, int count, int[] receivedIndices, long[] arrivals) : IReadOnlyList<TransportCcPacket>
{
    public int Count => count;

    public TransportCcPacket this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
            var sequence = (ushort)(baseSequence + index);
            var at = Array.BinarySearch(receivedIndices, index);
            return at >= 0 ? new TransportCcPacket(sequence, true, arrivals[at]) : new TransportCcPacket(sequence, false, 0);
        }
    }

    public IEnumerator<TransportCcPacket> GetEnumerator()
    {
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            var sequence = (ushort)(baseSequence + i);
            if (next < receivedIndices.Length && receivedIndices[next] == i)
            {
                yield return new TransportCcPacket(sequence, true, arrivals[next++]);
            }
            else
            {
                yield return new TransportCcPacket(sequence, false, 0);
            }
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
