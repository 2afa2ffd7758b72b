using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using static OrleansLive.UnitTests.Rtp.RtpTestMedia;

namespace OrleansLive.UnitTests.Rtp;

public class H264PacketizerTests
{
    [Fact]
    public void Small_nal_units_go_into_one_stap_a()
    {
        var sei = Avc(NalUnit.AvcSei, 10);
        var payloads = H264Packetizer.Packetize(Memories(AvcSps, AvcPps, sei), 1200);
        var payload = Assert.Single(payloads);
        Assert.Equal(H264Packetizer.StapA, payload[0] & 0x1F);
        Assert.Equal(0x60, payload[0] & 0x60); // highest NRI of the units
        Assert.Equal(1 + (2 * 3) + AvcSps.Length + AvcPps.Length + sei.Length, payload.Length);
        Assert.Equal(AvcSps.Length, (payload[1] << 8) | payload[2]);
        Assert.Equal(AvcSps, payload.AsSpan(3, AvcSps.Length).ToArray());
    }

    [Fact]
    public void A_nal_unit_that_fits_alone_is_sent_as_is()
    {
        var slice = Avc(NalUnit.AvcSlice, 1200);
        Assert.Equal(slice, Assert.Single(H264Packetizer.Packetize(Memories(slice), 1200)));
    }

    [Fact]
    public void Large_idr_is_fragmented_into_fu_a_within_the_payload_limit()
    {
        var idr = Avc(NalUnit.AvcIdr, 5000);
        var payloads = H264Packetizer.Packetize(Memories(AvcSps, AvcPps, idr), 1200);
        Assert.Equal(H264Packetizer.StapA, payloads[0][0] & 0x1F);
        var fragments = payloads.Skip(1).ToList();
        Assert.Equal(5, fragments.Count);
        Assert.All(payloads, p => Assert.InRange(p.Length, 1, 1200));
        Assert.All(fragments, f => Assert.Equal((idr[0] & 0xE0) | H264Packetizer.FuA, f[0]));
        Assert.Equal(0x80 | NalUnit.AvcIdr, fragments[0][1]);
        Assert.Equal(0x40 | NalUnit.AvcIdr, fragments[^1][1]);
        Assert.All(fragments.Skip(1).SkipLast(1), f => Assert.Equal(NalUnit.AvcIdr, f[1]));
        Assert.Equal(idr.Skip(1), fragments.SelectMany(f => f.Skip(2)));
    }

    [Fact]
    public void Packets_carry_the_marker_on_the_last_only()
    {
        var payloads = H264Packetizer.Packetize(Memories(Avc(NalUnit.AvcIdr, 5000)), 1200);
        var packets = RtpPacketBuilder.Build(payloads, 96, 90000, 0xABCD, 65534);
        Assert.Equal(payloads.Count, packets.Length);
        for (var i = 0; i < packets.Length; i++)
        {
            Assert.True(RtpHeader.TryParse(packets[i], out var header));
            Assert.Equal(i == packets.Length - 1, header.Marker);
            Assert.Equal((ushort)(65534 + i), header.SequenceNumber);
            Assert.Equal(90000u, header.Timestamp);
            Assert.Equal(payloads[i], header.Payload(packets[i]).ToArray());
        }
    }

    [Fact]
    public void Avcc_input_gets_parameter_sets_before_the_idr_and_loses_its_delimiter()
    {
        var aud = new byte[] { 0x09, 0xF0 };
        var idr = Avc(NalUnit.AvcIdr, 3000);
        var payloads = H264Packetizer.PacketizeAvcc(Avcc(aud, idr), 4, 1200, Memories(AvcSps, AvcPps));
        var units = Depacketize(payloads);
        var unit = Assert.Single(units);
        Assert.Equal([AvcSps, AvcPps, idr], unit.Nals);

        // Not before a slice that is not a keyframe, nor twice when the frame has its own.
        var slice = Avc(NalUnit.AvcSlice, 100);
        Assert.Equal([slice], Assert.Single(Depacketize(H264Packetizer.PacketizeAvcc(Avcc(slice), 4, 1200, Memories(AvcSps, AvcPps)))).Nals);
        var own = Assert.Single(Depacketize(H264Packetizer.PacketizeAvcc(Avcc(AvcSps, AvcPps, idr), 4, 1200, Memories(AvcSps, AvcPps))));
        Assert.Equal(3, own.Nals.Count);
    }

    private static List<RtpAccessUnit> Depacketize(List<byte[]> payloads)
    {
        var units = new List<RtpAccessUnit>();
        var depacketizer = new H264Depacketizer(units.Add);
        foreach (var packet in RtpPacketBuilder.Build(payloads, 96, 3000, 1))
        {
            Assert.True(depacketizer.Push(packet));
        }

        return units;
    }
}
