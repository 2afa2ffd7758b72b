using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// An AV1 temporal unit (low-overhead format, as FLV and MP4 carry it) to RTP payloads (AOM "RTP
/// Payload Format for AV1", 4.4-5): each OBU becomes an element without its size field, behind a
/// LEB128 length (W = 0); OBUs are aggregated while they fit and fragmented across packets with the
/// Y and Z bits when they do not. Temporal delimiters, tile lists and padding are left out, as the
/// format asks. A keyframe's first packet sets N and, when the temporal unit lacks a sequence header,
/// the stream's goes in front, so a decoder can start there. The last payload takes the marker bit.
/// </summary>
public static class Av1Packetizer
{
    private const byte ContinuesFragment = 0x80; // Z
    private const byte FragmentGoesOn = 0x40;    // Y
    private const byte NewSequence = 0x08;       // N

    /// <summary>A packet whose room is below this gets no new OBU fragment: it goes as it is.</summary>
    private const int MinFragment = 32;

    /// <param name="sequenceHeader">The stream's sequence header OBU (from its av1C), put before a
    /// keyframe that has none; empty when unknown.</param>
    public static List<byte[]> Packetize(ReadOnlySpan<byte> temporalUnit, bool keyframe, ReadOnlySpan<byte> sequenceHeader = default,
        int maxPayloadSize = RtpPacketBuilder.DefaultMaxPayloadSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPayloadSize, 3);
        var elements = Elements(temporalUnit);
        if (keyframe && !elements.Exists(e => ObuType(e) == Av1Obu.SequenceHeader) && !sequenceHeader.IsEmpty)
        {
            elements.InsertRange(0, Elements(sequenceHeader));
        }

        var payloads = new List<byte[]>();
        var buffer = new byte[maxPayloadSize];
        var at = 1;
        var continues = false;
        void Flush(bool goesOn)
        {
            buffer[0] = (byte)((continues ? ContinuesFragment : 0) | (goesOn ? FragmentGoesOn : 0) | (keyframe && payloads.Count == 0 ? NewSequence : 0));
            payloads.Add(buffer.AsSpan(0, at).ToArray());
            at = 1;
            continues = goesOn;
        }

        foreach (var element in elements)
        {
            ReadOnlySpan<byte> rest = element;
            while (true)
            {
                var room = maxPayloadSize - at;
                if (Av1Obu.Leb128Size(rest.Length) + rest.Length <= room)
                {
                    at += Av1Obu.WriteLeb128(buffer.AsSpan(at), rest.Length);
                    rest.CopyTo(buffer.AsSpan(at));
                    at += rest.Length;
                    break;
                }

                if (room < MinFragment && at > 1)
                {
                    Flush(goesOn: false); // only at an element's start: a fragment's tail begins a packet
                    continue;
                }

                var take = room - Av1Obu.Leb128Size(room);
                at += Av1Obu.WriteLeb128(buffer.AsSpan(at), take);
                rest[..take].CopyTo(buffer.AsSpan(at));
                at += take;
                rest = rest[take..];
                Flush(goesOn: true);
            }
        }

        if (at > 1)
        {
            Flush(goesOn: false);
        }

        return payloads;
    }

    /// <summary>The OBUs as RTP elements: header (obu_has_size_field cleared), extension byte, payload.</summary>
    private static List<byte[]> Elements(ReadOnlySpan<byte> obus)
    {
        var elements = new List<byte[]>();
        var rest = obus;
        while (!rest.IsEmpty)
        {
            var start = rest;
            if (!Av1Obu.TryRead(ref rest, out var type, out var payload))
            {
                break;
            }

            if (type is Av1Obu.TemporalDelimiter or Av1Obu.TileList or Av1Obu.Padding)
            {
                continue;
            }

            var headerSize = (start[0] & 0x04) != 0 ? 2 : 1;
            var element = new byte[headerSize + payload.Length];
            element[0] = (byte)(start[0] & ~0x02);
            if (headerSize == 2)
            {
                element[1] = start[1];
            }

            payload.CopyTo(element.AsSpan(headerSize));
            elements.Add(element);
        }

        return elements;
    }

    private static int ObuType(byte[] element) => (element[0] >> 3) & 0x0F;
}
