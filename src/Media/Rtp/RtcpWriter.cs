using System.Buffers.Binary;
using System.Text;

namespace OrleansLive.Media.Rtp;

/// <summary>Builds RTCP packets (each whole, ready to concatenate into a compound packet): SR, RR,
/// SDES CNAME, BYE, Generic NACK, PLI, FIR and REMB.</summary>
public static class RtcpWriter
{
    private const int ReportBlockSize = 24;

    public static byte[] SenderReport(uint ssrc, ulong ntpTimestamp, uint rtpTimestamp, uint packetCount, uint octetCount,
        IReadOnlyList<RtcpReportBlock>? reports = null)
    {
        reports ??= [];
        CheckCount(reports.Count);
        var packet = Header(RtcpPacketType.SenderReport, reports.Count, 24 + (ReportBlockSize * reports.Count));
        var body = packet.AsSpan(4);
        BinaryPrimitives.WriteUInt32BigEndian(body, ssrc);
        BinaryPrimitives.WriteUInt64BigEndian(body[4..], ntpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(body[12..], rtpTimestamp);
        BinaryPrimitives.WriteUInt32BigEndian(body[16..], packetCount);
        BinaryPrimitives.WriteUInt32BigEndian(body[20..], octetCount);
        WriteReports(body[24..], reports);
        return packet;
    }

    public static byte[] ReceiverReport(uint ssrc, IReadOnlyList<RtcpReportBlock> reports)
    {
        CheckCount(reports.Count);
        var packet = Header(RtcpPacketType.ReceiverReport, reports.Count, 4 + (ReportBlockSize * reports.Count));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        WriteReports(packet.AsSpan(8), reports);
        return packet;
    }

    /// <summary>SDES with one chunk holding the CNAME (RFC 3550 6.5.1), which a compound packet must carry.</summary>
    public static byte[] SourceDescription(uint ssrc, string cname)
    {
        var name = Encoding.UTF8.GetBytes(cname);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, 255, nameof(cname));
        // SSRC, CNAME item (type, length, text), then at least one zero byte ending the item list, to a word.
        var chunk = (4 + 2 + name.Length + 4) & ~3;
        var packet = Header(RtcpPacketType.SourceDescription, 1, chunk);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        packet[8] = 1; // CNAME
        packet[9] = (byte)name.Length;
        name.CopyTo(packet, 10);
        return packet;
    }

    public static byte[] Bye(IReadOnlyList<uint> ssrcs)
    {
        CheckCount(ssrcs.Count);
        var packet = Header(RtcpPacketType.Bye, ssrcs.Count, 4 * ssrcs.Count);
        for (var i = 0; i < ssrcs.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4 + (4 * i)), ssrcs[i]);
        }

        return packet;
    }

    /// <summary>Generic NACK for these sequence numbers: each PID covers itself and the 16 after it
    /// in its BLP bitmask (RFC 4585 6.2.1). Order and duplicates do not matter; wraparound does.</summary>
    public static byte[] Nack(uint senderSsrc, uint mediaSsrc, IEnumerable<ushort> sequences)
    {
        var entries = new List<(ushort Pid, ushort Blp)>();
        var list = sequences.ToList();
        if (list.Count > 0)
        {
            var first = list[0];
            foreach (var extended in list.Select(s => first + (long)(short)(s - first)).Distinct().Order())
            {
                if (entries.Count > 0 && extended - Extend(first, entries[^1].Pid) is >= 1 and <= 16 and var offset)
                {
                    entries[^1] = (entries[^1].Pid, (ushort)(entries[^1].Blp | (1 << (int)(offset - 1))));
                }
                else
                {
                    entries.Add(((ushort)extended, 0));
                }
            }
        }

        var packet = Header(RtcpPacketType.TransportFeedback, RtcpPacketType.GenericNack, 8 + (4 * entries.Count));
        WriteSsrcs(packet, senderSsrc, mediaSsrc);
        for (var i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(12 + (4 * i)), entries[i].Pid);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(14 + (4 * i)), entries[i].Blp);
        }

        return packet;
    }

    public static byte[] Pli(uint senderSsrc, uint mediaSsrc)
    {
        var packet = Header(RtcpPacketType.PayloadFeedback, RtcpPacketType.PictureLossIndication, 8);
        WriteSsrcs(packet, senderSsrc, mediaSsrc);
        return packet;
    }

    /// <summary>FIR asking <paramref name="mediaSsrc"/> for a keyframe; the sender increments
    /// <paramref name="sequenceNumber"/> for each new request (RFC 5104 4.3.1.1).</summary>
    public static byte[] Fir(uint senderSsrc, uint mediaSsrc, byte sequenceNumber)
    {
        var packet = Header(RtcpPacketType.PayloadFeedback, RtcpPacketType.FullIntraRequest, 16);
        WriteSsrcs(packet, senderSsrc, 0); // the media source field is unused in FIR
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), mediaSsrc);
        packet[16] = sequenceNumber;
        return packet;
    }

    /// <summary>REMB: the receiver's estimate of the bitrate these sources may use in total.</summary>
    public static byte[] Remb(uint senderSsrc, ulong bitrate, IReadOnlyList<uint> ssrcs)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ssrcs.Count, 255, nameof(ssrcs));
        var exponent = 0;
        while (bitrate >> exponent > 0x3FFFF)
        {
            exponent++;
        }

        var mantissa = (uint)(bitrate >> exponent);
        var packet = Header(RtcpPacketType.PayloadFeedback, RtcpPacketType.ApplicationLayerFeedback, 16 + (4 * ssrcs.Count));
        WriteSsrcs(packet, senderSsrc, 0);
        "REMB"u8.CopyTo(packet.AsSpan(12));
        packet[16] = (byte)ssrcs.Count;
        packet[17] = (byte)((exponent << 2) | (int)(mantissa >> 16));
        packet[18] = (byte)(mantissa >> 8);
        packet[19] = (byte)mantissa;
        for (var i = 0; i < ssrcs.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(20 + (4 * i)), ssrcs[i]);
        }

        return packet;
    }

    /// <summary>Packets concatenated into one compound packet.</summary>
    public static byte[] Compound(params byte[][] packets)
    {
        var compound = new byte[packets.Sum(p => p.Length)];
        var at = 0;
        foreach (var packet in packets)
        {
            packet.CopyTo(compound, at);
            at += packet.Length;
        }

        return compound;
    }

    private static long Extend(ushort first, ushort sequence) => first + (long)(short)(sequence - first);

    private static byte[] Header(byte type, int countOrFormat, int bodyLength)
    {
        var packet = new byte[4 + bodyLength];
        packet[0] = (byte)(0x80 | countOrFormat);
        packet[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)((packet.Length / 4) - 1));
        return packet;
    }

    private static void WriteSsrcs(byte[] packet, uint sender, uint media)
    {
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), sender);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), media);
    }

    private static void WriteReports(Span<byte> destination, IReadOnlyList<RtcpReportBlock> reports)
    {
        for (var i = 0; i < reports.Count; i++)
        {
            var block = destination.Slice(i * ReportBlockSize, ReportBlockSize);
            var report = reports[i];
            var lost = Math.Clamp(report.CumulativeLost, -0x800000, 0x7FFFFF);
            BinaryPrimitives.WriteUInt32BigEndian(block, report.Ssrc);
            block[4] = report.FractionLost;
            block[5] = (byte)(lost >> 16);
            block[6] = (byte)(lost >> 8);
            block[7] = (byte)lost;
            BinaryPrimitives.WriteUInt32BigEndian(block[8..], report.HighestSequence);
            BinaryPrimitives.WriteUInt32BigEndian(block[12..], report.Jitter);
            BinaryPrimitives.WriteUInt32BigEndian(block[16..], report.LastSenderReport);
            BinaryPrimitives.WriteUInt32BigEndian(block[20..], report.DelaySinceLastSenderReport);
        }
    }

    private static void CheckCount(int count) => ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 31, nameof(count));
}
