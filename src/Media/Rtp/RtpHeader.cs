using System.Buffers.Binary;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// The fixed RTP header (RFC 3550 5.1) of one packet, with where its CSRC list, header extension
/// (RFC 8285) and payload lie. Offsets refer to the span it was parsed from.
/// </summary>
public readonly struct RtpHeader
{
    public const int FixedSize = 12;

    /// <summary>Profile of the one-byte extension form (RFC 8285 4.2).</summary>
    public const ushort OneByteProfile = 0xBEDE;

    /// <summary>Profile of the two-byte form is 0x100X, X being application bits (RFC 8285 4.3).</summary>
    public const ushort TwoByteProfile = 0x1000;

    public bool Marker { get; init; }
    public byte PayloadType { get; init; }
    public ushort SequenceNumber { get; init; }
    public uint Timestamp { get; init; }
    public uint Ssrc { get; init; }
    public int CsrcCount { get; init; }

    /// <summary>Bytes of padding at the end (the P bit's count), 0 without padding.</summary>
    public int PaddingLength { get; init; }

    public bool HasExtension { get; init; }

    /// <summary>The extension header's "defined by profile" field: 0xBEDE, 0x100X or anything else.</summary>
    public ushort ExtensionProfile { get; init; }

    /// <summary>Offset of the extension's data (after its 4-byte header); 0 without an extension.</summary>
    public int ExtensionOffset { get; init; }

    /// <summary>Length of the extension's data in bytes (a multiple of 4).</summary>
    public int ExtensionLength { get; init; }

    public int PayloadOffset { get; init; }

    /// <summary>Payload bytes, padding excluded.</summary>
    public int PayloadLength { get; init; }

    /// <returns>False unless the packet is version 2 and every length it declares fits (never throws).</returns>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RtpHeader header)
    {
        header = default;
        if (packet.Length < FixedSize || packet[0] >> 6 != 2)
        {
            return false;
        }

        var csrcCount = packet[0] & 0x0F;
        var at = FixedSize + (4 * csrcCount);
        if (at > packet.Length)
        {
            return false;
        }

        var hasExtension = (packet[0] & 0x10) != 0;
        ushort profile = 0;
        int extensionOffset = 0, extensionLength = 0;
        if (hasExtension)
        {
            if (at + 4 > packet.Length)
            {
                return false;
            }

            profile = BinaryPrimitives.ReadUInt16BigEndian(packet[at..]);
            extensionLength = 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(at + 2)..]);
            extensionOffset = at + 4;
            at = extensionOffset + extensionLength;
            if (at > packet.Length)
            {
                return false;
            }
        }

        var padding = 0;
        if ((packet[0] & 0x20) != 0)
        {
            padding = packet[^1];
            if (padding == 0 || at + padding > packet.Length)
            {
                return false;
            }
        }

        header = new RtpHeader
        {
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = (byte)(packet[1] & 0x7F),
            SequenceNumber = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]),
            Timestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            Ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]),
            CsrcCount = csrcCount,
            PaddingLength = padding,
            HasExtension = hasExtension,
            ExtensionProfile = profile,
            ExtensionOffset = extensionOffset,
            ExtensionLength = extensionLength,
            PayloadOffset = at,
            PayloadLength = packet.Length - at - padding,
        };
        return true;
    }

    /// <summary>The payload of the packet this header was parsed from.</summary>
    public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> packet) => packet.Slice(PayloadOffset, PayloadLength);

    /// <summary>The CSRC at <paramref name="index"/> (0 ≤ index &lt; CsrcCount).</summary>
    public uint Csrc(ReadOnlySpan<byte> packet, int index) => BinaryPrimitives.ReadUInt32BigEndian(packet[(FixedSize + (4 * index))..]);

    /// <summary>Finds the extension element with <paramref name="id"/> in the one-byte or two-byte
    /// form; false when absent, for another profile, or when the block is malformed.</summary>
    public bool TryGetExtension(ReadOnlySpan<byte> packet, int id, out ReadOnlySpan<byte> value)
    {
        value = default;
        return HasExtension && RtpHeaderExtension.TryFind(ExtensionProfile, packet.Slice(ExtensionOffset, ExtensionLength), id, out value);
    }

    /// <summary>Writes a 12-byte header (version 2, no padding, extension or CSRC); returns 12.</summary>
    public static int Write(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc)
    {
        destination[0] = 0x80;
        destination[1] = (byte)((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ssrc);
        return FixedSize;
    }

    /// <summary>Rewrites sequence number and SSRC of a packet in place: a frame's packets are built
    /// once per stream and only these change per player.</summary>
    public static void Rewrite(Span<byte> packet, ushort sequenceNumber, uint ssrc)
    {
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
    }

    /// <summary>Rewrites sequence number, SSRC and payload type in place, keeping the marker bit.</summary>
    public static void Rewrite(Span<byte> packet, ushort sequenceNumber, uint ssrc, byte payloadType)
    {
        packet[1] = (byte)((packet[1] & 0x80) | (payloadType & 0x7F));
        Rewrite(packet, sequenceNumber, ssrc);
    }

    /// <summary>Rewrites the timestamp in place (players that join mid-stream get their own base).</summary>
    public static void RewriteTimestamp(Span<byte> packet, uint timestamp) => BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
}
