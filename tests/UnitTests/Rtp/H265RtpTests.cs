using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using static OrleansLive.UnitTests.Rtp.RtpTestMedia;

namespace OrleansLive.UnitTests.Rtp;

public class H265RtpTests
{
    private const int IdrWRadl = 19;
    private const int TrailR = 1;

    [Fact]
    public void Parameter_sets_aggregate_and_a_large_irap_fragments()
    {
        var (vps, sps, pps) = HevcParameterSets();
        var idr = Hevc(IdrWRadl, 5000);
        var payloads = H265Packetizer.Packetize(Memories(vps, sps, pps, idr), 1200);
        Assert.Equal(H265Packetizer.Ap, (payloads[0][0] >> 1) & 0x3F);
        Assert.Equal(1, payloads[0][1] & 0x07); // TID of the aggregated units
        var fragments = payloads.Skip(1).ToList();
        Assert.All(payloads, p => Assert.InRange(p.Length, 1, 1200));
        Assert.All(fragments, f => Assert.Equal(H265Packetizer.Fu, (f[0] >> 1) & 0x3F));
        Assert.Equal(0x80 | IdrWRadl, fragments[0][2]);
        Assert.Equal(0x40 | IdrWRadl, fragments[^1][2]);
        Assert.Equal(idr.Skip(2), fragments.SelectMany(f => f.Skip(3)));
    }

    [Fact]
    public void Access_units_round_trip_and_give_the_decoder_record()
    {
        var (vps, sps, pps) = HevcParameterSets();
        var idr = Hevc(IdrWRadl, 5000);
        var trail = Hevc(TrailR, 800);
        var units = new List<RtpAccessUnit>();
        var depacketizer = new H265Depacketizer(units.Add);
        var avcc = Avcc(new byte[] { 0x46, 0x01, 0x50 }, idr); // AUD dropped, parameter sets put in
        foreach (var packet in Packets(65000,
            (3000, H265Packetizer.PacketizeHvcc(avcc, 4, 1200, Memories(vps, sps, pps))),
            (6000, H265Packetizer.Packetize(Memories(trail), 1200))))
        {
            Assert.True(depacketizer.Push(packet));
        }

        Assert.Equal(2, units.Count);
        Assert.Equal([vps, sps, pps, idr], units[0].Nals);
        Assert.True(units[0].IsKeyframe);
        Assert.Equal([trail], units[1].Nals);
        Assert.Equal(VideoCodecId.H265, units[1].Codec);
        Assert.Equal(Convert.FromHexString(Ts.FlvTestVectors.HevcRecord), depacketizer.BuildDecoderRecord());
    }

    [Fact]
    public void Lost_fragment_drops_the_access_unit_until_the_next_irap()
    {
        var idr = Hevc(IdrWRadl, 5000);
        var frame = H265Packetizer.Packetize(Memories(idr), 1200);
        var packets = Packets(7, (3000, frame), (6000, [Hevc(TrailR, 300)]), (9000, frame), (12000, [Hevc(TrailR, 300)]));
        packets.RemoveAt(1);
        var units = new List<RtpAccessUnit>();
        var depacketizer = new H265Depacketizer(units.Add);
        var keyframeRequested = false;
        foreach (var packet in packets)
        {
            depacketizer.Push(packet);
            keyframeRequested |= depacketizer.KeyframeNeeded;
        }

        Assert.True(keyframeRequested);
        Assert.False(depacketizer.KeyframeNeeded);
        Assert.Equal([9000u, 12000u], units.Select(u => u.Timestamp));
    }
}
