using System.Buffers.Binary;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// The transport-wide sequence number header extension
/// (http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01, 2 bytes) under the
/// id the SDP's extmap gave it: read on received packets to build feedback, written on sent ones.
/// </summary>
public static class TransportWideSequence
{
    public const string Uri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

    /// <summary>Header size with this one extension: 12 + 4 (extension header) + 4 (element, padded).</summary>
    public const int HeaderSize = RtpHeader.FixedSize + 8;

    public static bool TryRead(ReadOnlySpan<byte> packet, int extensionId, out ushort sequence)
    {
        sequence = 0;
        return RtpHeader.TryParse(packet, out var header) && TryRead(packet, header, extensionId, out sequence);
    }

    public static bool TryRead(ReadOnlySpan<byte> packet, in RtpHeader header, int extensionId, out ushort sequence)
    {
        sequence = 0;
        if (!header.TryGetExtension(packet, extensionId, out var value) || value.Length < 2)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadUInt16BigEndian(value);
        return true;
    }

    /// <summary>Overwrites the sequence number in a packet that already carries the element.</summary>
    public static bool TryWrite(Span<byte> packet, int extensionId, ushort sequence)
    {
        if (!RtpHeader.TryParse(packet, out var header) || !header.HasExtension
            || !RtpHeaderExtension.TryLocate(header.ExtensionProfile, packet.Slice(header.ExtensionOffset, header.ExtensionLength), extensionId, out var offset, out var length)
            || length < 2)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet[(header.ExtensionOffset + offset)..], sequence);
        return true;
    }

    /// <summary>Writes a 20-byte RTP header carrying only this extension (one-byte form, id 1-14);
    /// returns <see cref="HeaderSize"/>.</summary>
    public static int WriteHeader(Span<byte> destination, bool marker, byte payloadType, ushort sequenceNumber, uint timestamp, uint ssrc,
        int extensionId, ushort transportSequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(extensionId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(extensionId, 14);
        RtpHeader.Write(destination, marker, payloadType, sequenceNumber, timestamp, ssrc);
        destination[0] |= 0x10;
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], RtpHeader.OneByteProfile);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], 1);
        destination[16] = (byte)((extensionId << 4) | 1);
        BinaryPrimitives.WriteUInt16BigEndian(destination[17..], transportSequence);
        destination[19] = 0;
        return HeaderSize;
    }
}
