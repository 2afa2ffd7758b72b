using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// H.264 access units to RTP payloads, RFC 6184 packetization-mode 1: single NAL unit packets,
/// STAP-A (type 24) for small NAL units such as SPS+PPS, FU-A (type 28) for large ones. The last
/// payload of an access unit is the one to send with the marker bit (RtpPacketBuilder does).
/// </summary>
public static class H264Packetizer
{
    public const int StapA = 24;
    public const int FuA = 28;

    private static readonly Packetizer Instance = new();

    /// <summary>Payloads for one access unit of NAL units (no start codes or length prefixes).</summary>
    public static List<byte[]> Packetize(IReadOnlyList<ReadOnlyMemory<byte>> nals, int maxPayloadSize = RtpPacketBuilder.DefaultMaxPayloadSize) =>
        Instance.Packetize(nals, maxPayloadSize);

    /// <summary>
    /// Payloads for one access unit in AVCC form (length-prefixed NAL units, as a MediaSample holds
    /// H.264). <paramref name="parameterSets"/> (SPS, PPS), when given, go before the first IDR slice
    /// unless the access unit carries an SPS itself. Delimiters and filler are left out.
    /// </summary>
    public static List<byte[]> PacketizeAvcc(ReadOnlyMemory<byte> avcc, int lengthSize, int maxPayloadSize = RtpPacketBuilder.DefaultMaxPayloadSize,
        IReadOnlyList<ReadOnlyMemory<byte>>? parameterSets = null) =>
        Packetize(LengthPrefixedNals.Split(VideoCodecId.H264, avcc, lengthSize, parameterSets), maxPayloadSize);

    private sealed class Packetizer : NalPacketizer
    {
        protected override int NalHeaderSize => 1;

        protected override void WriteAggregationHeader(Span<byte> destination, IReadOnlyList<ReadOnlyMemory<byte>> nals)
        {
            // F is the OR of the units' F bits, NRI their maximum (RFC 6184 5.7.1).
            int f = 0, nri = 0;
            foreach (var nal in nals)
            {
                f |= nal.Span[0] & 0x80;
                nri = Math.Max(nri, nal.Span[0] & 0x60);
            }

            destination[0] = (byte)(f | nri | StapA);
        }

        protected override void WriteFragmentHeader(Span<byte> destination, ReadOnlySpan<byte> nal, bool start, bool end)
        {
            destination[0] = (byte)((nal[0] & 0xE0) | FuA);
            destination[1] = (byte)((start ? 0x80 : 0) | (end ? 0x40 : 0) | (nal[0] & 0x1F));
        }
    }
}
