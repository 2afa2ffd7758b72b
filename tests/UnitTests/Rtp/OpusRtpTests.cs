using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtp;

public class OpusRtpTests
{
    [Fact]
    public void One_opus_packet_per_rtp_payload_with_loss_counted()
    {
        byte[] frame = [0xFC, 0x01, 0x02];
        var payload = OpusPacketizer.Packetize(frame);
        var packets = RtpPacketBuilder.Build([payload, payload, payload], 111, 960, 5, markLast: false);
        var depacketizer = new OpusDepacketizer();
        Assert.True(depacketizer.TryDepacketize(packets[0], out var opus, out var timestamp));
        Assert.Equal(frame, opus.ToArray());
        Assert.Equal(960u, timestamp);
        Assert.False(depacketizer.TryDepacketize(packets[0], out _, out _));
        Assert.True(depacketizer.TryDepacketize(packets[2], out _, out _));
        Assert.Equal(1, depacketizer.LostPackets);
    }
}
