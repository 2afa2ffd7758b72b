using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtsp;

/// <summary>AAC in RTP (RFC 3640 AAC-hbr) as RTSP carries it, both ways.</summary>
public class AacRtpTests
{
    [Fact]
    public void One_frame_goes_behind_one_au_header_and_back()
    {
        var frame = Enumerable.Range(0, 371).Select(i => (byte)i).ToArray();
        var payload = AacPacketizer.Packetize(frame);
        Assert.Equal([0x00, 0x10, 371 >> 5, (371 & 0x1F) << 3], payload[..4]);
        var units = new List<Range>();
        Assert.True(new AacDepacketizer().TryDepacketize(payload, units));
        Assert.Equal(frame, payload[Assert.Single(units)]);
    }

    [Fact]
    public void Several_frames_of_one_packet_come_out_in_order()
    {
        // ffmpeg puts several frames in a packet: three 13+3-bit headers, then the frames.
        byte[] a = [1, 2, 3], b = [4, 5], c = [6];
        byte[] payload = [0x00, 48, 0x00, 3 << 3, 0x00, 2 << 3, 0x00, 1 << 3, .. a, .. b, .. c];
        var units = new List<Range>();
        Assert.True(new AacDepacketizer().TryDepacketize(payload, units));
        Assert.Equal([a, b, c], units.Select(u => payload[u]).ToArray());
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x00 })]
    [InlineData(new byte[] { 0x00, 0x00, 0x01 })]
    [InlineData(new byte[] { 0x00, 0x10, 0x00 })]
    [InlineData(new byte[] { 0x00, 0x10, 0x00, 0x50, 0x01 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0x00, 0x08 })]
    public void Refuses_malformed_payloads(byte[] payload) => Assert.False(new AacDepacketizer().TryDepacketize(payload, []));

    [Fact]
    public void Refuses_a_frame_too_large_for_the_size_field() => Assert.Empty(AacPacketizer.Packetize(new byte[AacPacketizer.MaxAccessUnit + 1]));
}
