using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace OrleansLive.Media.Rtp;

/// <summary>Reads an RTCP compound packet (RFC 3550 6.1) into its packets: reports, BYE and the
/// RFC 4585/5104 feedback a media server acts on; other packets are stepped over.</summary>
public static class RtcpCompound
{
    private const int ReportBlockSize = 24;

    /// <returns>False when any packet's header or body is malformed (never throws).</returns>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out List<RtcpPacket>? packets)
    {
        packets = null;
        if (data.Length < 4)
        {
            return false;
        }

        var parsed = new List<RtcpPacket>();
        while (!data.IsEmpty)
        {
            if (data.Length < 4 || data[0] >> 6 != 2)
            {
                return false;
            }

            var length = 4 * (BinaryPrimitives.ReadUInt16BigEndian(data[2..]) + 1);
            if (length > data.Length)
            {
                return false;
            }

            var packet = data[..length];
            var body = packet[4..];
            if ((packet[0] & 0x20) != 0)
            {
                var padding = packet[^1];
                if (padding == 0 || padding > body.Length)
                {
                    return false;
                }

                body = body[..^padding];
            }

            if (!TryParseOne(packet[1], packet[0] & 0x1F, body, out var one))
            {
                return false;
            }

            parsed.Add(one);
            data = data[length..];
        }

        packets = parsed;
        return true;
    }

    private static bool TryParseOne(byte type, int count, ReadOnlySpan<byte> body, [NotNullWhen(true)] out RtcpPacket? packet)
    {
        packet = null;
        switch (type)
        {
            case RtcpPacketType.SenderReport:
                if (body.Length < 24 || !TryReadReports(body[24..], count, out var senderBlocks))
                {
                    return false;
                }

                packet = new RtcpSenderReport(U32(body), BinaryPrimitives.ReadUInt64BigEndian(body[4..]), U32(body[12..]), U32(body[16..]), U32(body[20..]), senderBlocks);
                return true;
            case RtcpPacketType.ReceiverReport:
                if (body.Length < 4 || !TryReadReports(body[4..], count, out var receiverBlocks))
                {
                    return false;
                }

                packet = new RtcpReceiverReport(U32(body), receiverBlocks);
                return true;
            case RtcpPacketType.Bye:
                if (body.Length < 4 * count)
                {
                    return false;
                }

                var ssrcs = new uint[count];
                for (var i = 0; i < count; i++)
                {
                    ssrcs[i] = U32(body[(4 * i)..]);
                }

                packet = new RtcpBye(ssrcs);
                return true;
            case RtcpPacketType.TransportFeedback or RtcpPacketType.PayloadFeedback:
                if (body.Length < 8)
                {
                    return false;
                }

                return type == RtcpPacketType.TransportFeedback
                    ? TryParseTransportFeedback(count, body, out packet)
                    : TryParsePayloadFeedback(count, body, out packet);
            default:
                packet = new RtcpOther(type, count);
                return true;
        }
    }

    private static bool TryParseTransportFeedback(int format, ReadOnlySpan<byte> body, out RtcpPacket? packet)
    {
        packet = null;
        var sender = U32(body);
        var media = U32(body[4..]);
        var fci = body[8..];
        switch (format)
        {
            case RtcpPacketType.GenericNack:
                if (fci.Length % 4 != 0)
                {
                    return false;
                }

                var sequences = new List<ushort>();
                for (var at = 0; at < fci.Length; at += 4)
                {
                    var pid = BinaryPrimitives.ReadUInt16BigEndian(fci[at..]);
                    var blp = BinaryPrimitives.ReadUInt16BigEndian(fci[(at + 2)..]);
                    sequences.Add(pid);
                    for (var bit = 0; bit < 16; bit++)
                    {
                        if ((blp & (1 << bit)) != 0)
                        {
                            sequences.Add((ushort)(pid + bit + 1));
                        }
                    }
                }

                packet = new RtcpNack(sender, media, sequences);
                return true;
            case RtcpPacketType.TransportWideCc:
                return TransportCcFeedback.TryParse(sender, media, fci, out packet);
            default:
                packet = new RtcpOther(RtcpPacketType.TransportFeedback, format);
                return true;
        }
    }

    private static bool TryParsePayloadFeedback(int format, ReadOnlySpan<byte> body, out RtcpPacket? packet)
    {
        packet = null;
        var sender = U32(body);
        var fci = body[8..];
        switch (format)
        {
            case RtcpPacketType.PictureLossIndication:
                packet = new RtcpPli(sender, U32(body[4..]));
                return true;
            case RtcpPacketType.FullIntraRequest:
                if (fci.Length % 8 != 0)
                {
                    return false;
                }

                var entries = new RtcpFirEntry[fci.Length / 8];
                for (var i = 0; i < entries.Length; i++)
                {
                    entries[i] = new RtcpFirEntry(U32(fci[(8 * i)..]), fci[(8 * i) + 4]);
                }

                packet = new RtcpFir(sender, entries);
                return true;
            case RtcpPacketType.ApplicationLayerFeedback when fci.Length >= 8 && fci[..4].SequenceEqual("REMB"u8):
                var count = fci[4];
                if (fci.Length < 8 + (4 * count))
                {
                    return false;
                }

                var exponent = fci[5] >> 2;
                var mantissa = ((fci[5] & 0x03) << 16) | (fci[6] << 8) | fci[7];
                var ssrcs = new uint[count];
                for (var i = 0; i < count; i++)
                {
                    ssrcs[i] = U32(fci[(8 + (4 * i))..]);
                }

                // 18-bit mantissa shifted by up to 63: saturate rather than overflow.
                var bitrate = exponent > 46 ? ulong.MaxValue : (ulong)mantissa << exponent;
                packet = new RtcpRemb(sender, bitrate, ssrcs);
                return true;
            default:
                packet = new RtcpOther(RtcpPacketType.PayloadFeedback, format);
                return true;
        }
    }

    private static bool TryReadReports(ReadOnlySpan<byte> data, int count, out RtcpReportBlock[] blocks)
    {
        blocks = [];
        if (data.Length < count * ReportBlockSize)
        {
            return false; // trailing profile-specific extensions are allowed and ignored
        }

        blocks = new RtcpReportBlock[count];
        for (var i = 0; i < count; i++)
        {
            var block = data.Slice(i * ReportBlockSize, ReportBlockSize);
            var lost = (block[5] << 16) | (block[6] << 8) | block[7];
            blocks[i] = new RtcpReportBlock(U32(block), block[4], (lost << 8) >> 8, U32(block[8..]), U32(block[12..]), U32(block[16..]), U32(block[20..]));
        }

        return true;
    }

    private static uint U32(ReadOnlySpan<byte> data) => BinaryPrimitives.ReadUInt32BigEndian(data);
}
