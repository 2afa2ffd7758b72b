using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using static OrleansLive.UnitTests.Rtp.RtpTestMedia;

namespace OrleansLive.UnitTests.Rtp;

public class H264DepacketizerTests
{
    private readonly List<RtpAccessUnit> _units = [];
    private readonly H264Depacketizer _depacketizer;

    public H264DepacketizerTests() => _depacketizer = new H264Depacketizer(_units.Add);

    private void PushAll(IEnumerable<byte[]> packets)
    {
        foreach (var packet in packets)
        {
            _depacketizer.Push(packet);
        }
    }

    [Fact]
    public void Keyframe_and_following_frames_round_trip()
    {
        var idr = Avc(NalUnit.AvcIdr, 5000);
        var p1 = Avc(NalUnit.AvcSlice, 700, 1);
        var p2a = Avc(NalUnit.AvcSlice, 300, 2);
        var p2b = Avc(NalUnit.AvcSlice, 2500, 3);
        PushAll(Packets(65530,
            (3000, H264Packetizer.Packetize(Memories(AvcSps, AvcPps, idr), 1200)),
            (6000, H264Packetizer.Packetize(Memories(p1), 1200)),
            (9000, H264Packetizer.Packetize(Memories(p2a, p2b), 1200))));

        Assert.Equal(3, _units.Count);
        Assert.Equal([AvcSps, AvcPps, idr], _units[0].Nals);
        Assert.True(_units[0].IsKeyframe);
        Assert.True(_units[0].HasParameterSets);
        Assert.Equal(3000u, _units[0].Timestamp);
        Assert.Equal([p1], _units[1].Nals);
        Assert.False(_units[1].IsKeyframe);
        Assert.Equal([p2a, p2b], _units[2].Nals);
        Assert.Equal(9000u, _units[2].Timestamp);
        Assert.False(_depacketizer.KeyframeNeeded);
        Assert.Equal(0, _depacketizer.LostPackets);

        Assert.Equal(AvcSps, _depacketizer.Sps);
        Assert.Equal(AvcPps, _depacketizer.Pps);
        Assert.Equal(Convert.FromHexString(Ts.FlvTestVectors.AvcRecord), _depacketizer.BuildDecoderRecord());
        var avcc = _units[1].ToLengthPrefixed();
        Assert.Equal(Avcc(p1), avcc);
        Assert.Equal(Avcc(idr), _units[0].ToLengthPrefixed(includeParameterSets: false));
    }

    [Fact]
    public void A_timestamp_change_ends_an_access_unit_without_a_marker()
    {
        var a = Avc(NalUnit.AvcIdr, 100);
        var b = Avc(NalUnit.AvcSlice, 100);
        var packets = Packets(1, (3000, [a]), (6000, [b]));
        Array.Clear(packets[0], 1, 1); // no marker, payload type 0
        PushAll(packets);
        Assert.Equal(2, _units.Count);
        Assert.Equal([a], _units[0].Nals);
    }

    [Fact]
    public void Lost_middle_fragment_drops_the_access_unit_until_the_next_idr()
    {
        var idr = Avc(NalUnit.AvcIdr, 5000);
        var frame = H264Packetizer.Packetize(Memories(idr), 1200);
        var packets = Packets(100,
            (3000, frame),
            (6000, [Avc(NalUnit.AvcSlice, 500)]),
            (9000, H264Packetizer.Packetize(Memories(AvcSps, AvcPps, idr), 1200)),
            (12000, [Avc(NalUnit.AvcSlice, 500)]));
        packets.RemoveAt(2);
        PushAll(packets.Take(frame.Count - 1));
        Assert.Empty(_units);
        Assert.True(_depacketizer.KeyframeNeeded);
        Assert.Equal(1, _depacketizer.LostPackets);

        PushAll(packets.Skip(frame.Count - 1).Take(1)); // the P-frame after: useless without its reference
        Assert.Empty(_units);
        Assert.True(_depacketizer.KeyframeNeeded);

        PushAll(packets.Skip(frame.Count));
        Assert.Equal(2, _units.Count);
        Assert.True(_units[0].IsKeyframe);
        Assert.Equal(9000u, _units[0].Timestamp);
        Assert.False(_depacketizer.KeyframeNeeded);
        Assert.Equal(2, _depacketizer.DroppedAccessUnits);
    }

    [Fact]
    public void Fragment_without_its_start_is_damage()
    {
        var packets = Packets(1, (3000, H264Packetizer.Packetize(Memories(Avc(NalUnit.AvcIdr, 3000)), 1200)));
        PushAll(packets.Skip(1)); // joined mid-frame: no gap seen, but no FU-A start either
        Assert.Empty(_units);
        Assert.True(_depacketizer.KeyframeNeeded);
    }

    [Fact]
    public void Duplicates_and_late_packets_are_ignored()
    {
        var packets = Packets(1, (3000, H264Packetizer.Packetize(Memories(Avc(NalUnit.AvcIdr, 3000)), 1200)));
        Assert.True(_depacketizer.Push(packets[0]));
        Assert.True(_depacketizer.Push(packets[1]));
        Assert.False(_depacketizer.Push(packets[1]));
        Assert.False(_depacketizer.Push(packets[0]));
        Assert.True(_depacketizer.Push(packets[2]));
        Assert.Single(_units);
        Assert.False(_depacketizer.KeyframeNeeded);
    }

    [Fact]
    public void A_sender_that_restarts_its_numbering_is_followed_after_a_keyframe()
    {
        PushAll(Packets(50000, (3000, [Avc(NalUnit.AvcIdr, 100)]), (6000, [Avc(NalUnit.AvcSlice, 100)])));
        PushAll(Packets(20000, (9000, [Avc(NalUnit.AvcSlice, 100)]), (12000, [Avc(NalUnit.AvcIdr, 100)]), (15000, [Avc(NalUnit.AvcSlice, 100)])));
        Assert.Equal([3000u, 6000u, 12000u, 15000u], _units.Select(u => u.Timestamp));
        Assert.False(_depacketizer.KeyframeNeeded);
    }

    [Fact]
    public void Oversized_access_unit_is_dropped()
    {
        var units = new List<RtpAccessUnit>();
        var depacketizer = new H264Depacketizer(units.Add, maxAccessUnitSize: 4000);
        foreach (var packet in Packets(1, (3000, H264Packetizer.Packetize(Memories(Avc(NalUnit.AvcIdr, 5000)), 1200)), (6000, [Avc(NalUnit.AvcIdr, 100)])))
        {
            depacketizer.Push(packet);
        }

        var unit = Assert.Single(units);
        Assert.Equal(6000u, unit.Timestamp);
        Assert.Equal(1, depacketizer.DroppedAccessUnits);
    }
}
