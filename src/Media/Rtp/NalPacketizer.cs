namespace OrleansLive.Media.Rtp;

/// <summary>
/// The packetization both RFC 6184 (H.264, mode 1) and RFC 7798 (H.265) use: a NAL unit that fits
/// goes alone, runs of small ones are aggregated (STAP-A / AP), large ones are fragmented (FU-A / FU).
/// The codecs differ only in header size and how aggregation and fragment headers are made.
/// </summary>
internal abstract class NalPacketizer
{
    /// <summary>Bytes of the NAL unit header: 1 for H.264, 2 for H.265.</summary>
    protected abstract int NalHeaderSize { get; }

    /// <summary>Writes the aggregation packet's header (NalHeaderSize bytes) for these NAL units.</summary>
    protected abstract void WriteAggregationHeader(Span<byte> destination, IReadOnlyList<ReadOnlyMemory<byte>> nals);

    /// <summary>Writes the fragmentation headers (NalHeaderSize + 1 bytes) for a fragment of <paramref name="nal"/>.</summary>
    protected abstract void WriteFragmentHeader(Span<byte> destination, ReadOnlySpan<byte> nal, bool start, bool end);

    public List<byte[]> Packetize(IReadOnlyList<ReadOnlyMemory<byte>> nals, int maxPayloadSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, NalHeaderSize + 2);
        var payloads = new List<byte[]>();
        var group = new List<ReadOnlyMemory<byte>>();
        var groupSize = NalHeaderSize; // aggregation header, then a 2-byte size before each NAL unit
        foreach (var nal in nals)
        {
            if (nal.Length <= NalHeaderSize)
            {
                continue; // nothing but a header (or empty): not a NAL unit worth sending
            }

            if (nal.Length > maxPayloadSize)
            {
                Flush(payloads, group);
                groupSize = NalHeaderSize;
                Fragment(payloads, nal.Span, maxPayloadSize);
                continue;
            }

            if (group.Count > 0 && groupSize + 2 + nal.Length > maxPayloadSize)
            {
                Flush(payloads, group);
                groupSize = NalHeaderSize;
            }

            group.Add(nal);
            groupSize += 2 + nal.Length;
        }

        Flush(payloads, group);
        return payloads;
    }

    private void Flush(List<byte[]> payloads, List<ReadOnlyMemory<byte>> group)
    {
        if (group.Count == 1)
        {
            payloads.Add(group[0].ToArray());
        }
        else if (group.Count > 1)
        {
            var size = NalHeaderSize + group.Sum(n => 2 + n.Length);
            var payload = new byte[size];
            WriteAggregationHeader(payload, group);
            var at = NalHeaderSize;
            foreach (var nal in group)
            {
                payload[at] = (byte)(nal.Length >> 8);
                payload[at + 1] = (byte)nal.Length;
                nal.Span.CopyTo(payload.AsSpan(at + 2));
                at += 2 + nal.Length;
            }

            payloads.Add(payload);
        }

        group.Clear();
    }

    private void Fragment(List<byte[]> payloads, ReadOnlySpan<byte> nal, int maxPayloadSize)
    {
        var headerSize = NalHeaderSize + 1;
        var body = nal[NalHeaderSize..];
        var chunk = maxPayloadSize - headerSize;
        // Even fragments, so the last one is not a runt.
        var count = (body.Length + chunk - 1) / chunk;
        var even = (body.Length + count - 1) / count;
        for (var at = 0; at < body.Length; at += even)
        {
            var length = Math.Min(even, body.Length - at);
            var payload = new byte[headerSize + length];
            WriteFragmentHeader(payload, nal, at == 0, at + length == body.Length);
            body.Slice(at, length).CopyTo(payload.AsSpan(headerSize));
            payloads.Add(payload);
        }
    }
}
