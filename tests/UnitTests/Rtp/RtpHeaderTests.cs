using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtp;

public class RtpHeaderTests
{
    [Fact]
    public void Written_header_parses_back()
    {
        var packet = new byte[12 + 5];
        Assert.Equal(12, RtpHeader.Write(packet, true, 96, 65535, 0xDEADBEEF, 0x01020304));
        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.True(header.Marker);
        Assert.Equal(96, header.PayloadType);
        Assert.Equal(65535, header.SequenceNumber);
        Assert.Equal(0xDEADBEEFu, header.Timestamp);
        Assert.Equal(0x01020304u, header.Ssrc);
        Assert.False(header.HasExtension);
        Assert.Equal(12, header.PayloadOffset);
        Assert.Equal(5, header.PayloadLength);
    }

    [Fact]
    public void Csrcs_one_byte_extension_and_padding_are_accounted_for()
    {
        byte[] packet =
        [
            0xB1, 0x6F, 0x00, 0x07, 0, 0, 0, 9, 0, 0, 0, 1, // V=2 P X CC=1, M=0 PT=111
            0xAA, 0xBB, 0xCC, 0xDD, // CSRC
            0xBE, 0xDE, 0x00, 0x02, // one-byte form, 2 words
            0x10, 0x55, // id 1, 1 byte
            0x00, // padding between elements
            0x31, 0x12, 0x34, // id 3, 2 bytes
            0x00, 0x00,
            0x01, 0x02, 0x03, // payload
            0x00, 0x00, 0x03, // 3 bytes of padding
        ];
        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.False(header.Marker);
        Assert.Equal(111, header.PayloadType);
        Assert.Equal(1, header.CsrcCount);
        Assert.Equal(0xAABBCCDDu, header.Csrc(packet, 0));
        Assert.Equal(RtpHeader.OneByteProfile, header.ExtensionProfile);
        Assert.Equal(20, header.ExtensionOffset);
        Assert.Equal(8, header.ExtensionLength);
        Assert.Equal(3, header.PaddingLength);
        Assert.Equal([1, 2, 3], header.Payload(packet).ToArray());
        Assert.True(header.TryGetExtension(packet, 1, out var one));
        Assert.Equal([0x55], one.ToArray());
        Assert.True(header.TryGetExtension(packet, 3, out var three));
        Assert.Equal([0x12, 0x34], three.ToArray());
        Assert.False(header.TryGetExtension(packet, 2, out _));
        Assert.True(TransportWideSequence.TryRead(packet, 3, out var transport));
        Assert.Equal(0x1234, transport);
    }

    [Fact]
    public void Two_byte_extension_elements_are_found()
    {
        byte[] packet =
        [
            0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
            0x10, 0x00, 0x00, 0x02,
            0x05, 0x00, // id 5, empty
            0x07, 0x03, 0xA, 0xB, 0xC, // id 7, 3 bytes
            0x00,
            0xFF,
        ];
        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.True(header.TryGetExtension(packet, 5, out var empty));
        Assert.True(empty.IsEmpty);
        Assert.True(header.TryGetExtension(packet, 7, out var seven));
        Assert.Equal([0xA, 0xB, 0xC], seven.ToArray());
        Assert.Equal([0xFF], header.Payload(packet).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0 })] // short
    [InlineData(new byte[] { 0x40, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 })] // version 1
    [InlineData(new byte[] { 0x81, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 })] // CSRC missing
    [InlineData(new byte[] { 0x90, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 1 })] // extension runs past the end
    [InlineData(new byte[] { 0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 5 })] // padding longer than the payload
    [InlineData(new byte[] { 0xA0, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0 })] // padding count 0
    public void Malformed_headers_are_refused(byte[] packet) => Assert.False(RtpHeader.TryParse(packet, out _));

    [Fact]
    public void Rewrite_changes_only_sequence_ssrc_and_payload_type()
    {
        var packet = new byte[14];
        RtpHeader.Write(packet, true, 96, 10, 1000, 7);
        packet[12] = 0x42;
        RtpHeader.Rewrite(packet, 500, 0xCAFEBABE, 102);
        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.Equal((true, (byte)102, (ushort)500, 1000u, 0xCAFEBABEu), (header.Marker, header.PayloadType, header.SequenceNumber, header.Timestamp, header.Ssrc));
        RtpHeader.Rewrite(packet, 501, 1);
        RtpHeader.RewriteTimestamp(packet, 2000);
        Assert.True(RtpHeader.TryParse(packet, out header));
        Assert.Equal(((byte)102, (ushort)501, 2000u, 1u), (header.PayloadType, header.SequenceNumber, header.Timestamp, header.Ssrc));
        Assert.Equal(0x42, packet[12]);
    }

    [Fact]
    public void Transport_sequence_header_is_written_read_and_rewritten()
    {
        var packet = new byte[TransportWideSequence.HeaderSize + 3];
        Assert.Equal(20, TransportWideSequence.WriteHeader(packet, false, 96, 1, 2, 3, 5, 0xFFFE));
        Assert.True(TransportWideSequence.TryRead(packet, 5, out var sequence));
        Assert.Equal(0xFFFE, sequence);
        Assert.True(TransportWideSequence.TryWrite(packet, 5, 7));
        Assert.True(TransportWideSequence.TryRead(packet, 5, out sequence));
        Assert.Equal(7, sequence);
        Assert.False(TransportWideSequence.TryRead(packet, 4, out _));
        Assert.True(RtpHeader.TryParse(packet, out var header));
        Assert.Equal(20, header.PayloadOffset);
        Assert.Equal(3, header.PayloadLength);
    }
}
