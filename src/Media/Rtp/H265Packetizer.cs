using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// H.265 access units to RTP payloads, RFC 7798 without DONL (sprop-max-don-diff 0): single NAL
/// unit packets, aggregation packets (type 48) and fragmentation units (type 49).
/// </summary>
public static class H265Packetizer
{
    public const int Ap = 48;
    public const int Fu = 49;

    private static readonly Packetizer Instance = new();

    /// <summary>Payloads for one access unit of NAL units (two-byte headers, no start codes).</summary>
    public static List<byte[]> Packetize(IReadOnlyList<ReadOnlyMemory<byte>> nals, int maxPayloadSize = RtpPacketBuilder.DefaultMaxPayloadSize) =>
        Instance.Packetize(nals, maxPayloadSize);

    /// <summary>Payloads for one access unit in HVCC form (length-prefixed NAL units).
    /// <paramref name="parameterSets"/> (VPS, SPS, PPS), when given, go before the first IRAP slice
    /// unless the access unit carries an SPS itself. Delimiters and filler are left out.</summary>
    public static List<byte[]> PacketizeHvcc(ReadOnlyMemory<byte> hvcc, int lengthSize, int maxPayloadSize = RtpPacketBuilder.DefaultMaxPayloadSize,
        IReadOnlyList<ReadOnlyMemory<byte>>? parameterSets = null) =>
        Packetize(LengthPrefixedNals.Split(VideoCodecId.H265, hvcc, lengthSize, parameterSets), maxPayloadSize);

    private sealed class Packetizer : NalPacketizer
    {
        protected override int NalHeaderSize => 2;

        protected override void WriteAggregationHeader(Span<byte> destination, IReadOnlyList<ReadOnlyMemory<byte>> nals)
        {
            // F is the OR of the units' F bits, LayerId and TID their minimum (RFC 7798 4.4.2).
            int f = 0, layerId = 63, tid = 7;
            foreach (var nal in nals)
            {
                var header = nal.Span;
                f |= header[0] & 0x80;
                layerId = Math.Min(layerId, ((header[0] & 0x01) << 5) | (header[1] >> 3));
                tid = Math.Min(tid, header[1] & 0x07);
            }

            destination[0] = (byte)(f | (Ap << 1) | (layerId >> 5));
            destination[1] = (byte)(((layerId & 0x1F) << 3) | tid);
        }

        protected override void WriteFragmentHeader(Span<byte> destination, ReadOnlySpan<byte> nal, bool start, bool end)
        {
            destination[0] = (byte)((nal[0] & 0x81) | (Fu << 1));
            destination[1] = nal[1];
            destination[2] = (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | ((nal[0] >> 1) & 0x3F));
        }
    }
}
