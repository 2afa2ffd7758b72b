using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using static OrleansLive.UnitTests.Rtp.RtpTestMedia;

namespace OrleansLive.UnitTests.Rtp;

/// <summary>VP9 over RTP (RFC 9628): pictures through the packetizer and back, Chrome's descriptors
/// (picture id, layer indices, reference diffs, scalability structure), spatial layers joined into a
/// superframe, and loss.</summary>
public class Vp9RtpTests
{
    private readonly List<RtpVideoFrame> _frames = [];
    private readonly Vp9Depacketizer _depacketizer;

    public Vp9RtpTests() => _depacketizer = new Vp9Depacketizer(_frames.Add);

    private static byte[] Frame(int size, int seed = 0)
    {
        var frame = new byte[size];
        for (var i = 0; i < size; i++)
        {
            frame[i] = (byte)(seed + (i * 7));
        }

        return frame;
    }

    private void PushAll(IEnumerable<byte[]> packets)
    {
        foreach (var packet in packets)
        {
            _depacketizer.Push(packet);
        }
    }

    [Fact]
    public void Pictures_round_trip_through_the_packetizer()
    {
        var key = Frame(4000);
        var delta = Frame(900, 3);
        var payloads = Vp9Packetizer.Packetize(key, keyframe: true, 1200);
        Assert.Equal(4, payloads.Count);
        Assert.Equal(0x08, payloads[0][0]); // B
        Assert.Equal(0x00, payloads[1][0]);
        Assert.Equal(0x04, payloads[^1][0]); // E
        Assert.Equal(0x4C, Assert.Single(Vp9Packetizer.Packetize(delta, keyframe: false, 1200))[0]); // P B E

        PushAll(Packets(65535, (3000, payloads), (6000, Vp9Packetizer.Packetize(delta, false, 1200))));

        Assert.Equal(2, _frames.Count);
        Assert.Equal(key, _frames[0].Data);
        Assert.True(_frames[0].IsKeyframe);
        Assert.Equal(VideoCodecId.Vp9, _frames[0].Codec);
        Assert.Equal(delta, _frames[1].Data);
        Assert.False(_frames[1].IsKeyframe);
    }

    [Fact]
    public void Chrome_descriptors_are_read()
    {
        // Non-flexible keyframe: I L B E V; 15-bit picture id, layer byte, TL0PICIDX, then a
        // scalability structure with one layer's size (Y) and a group of one picture with one P_DIFF.
        byte[] ss = [0x18, 0x02, 0x80, 0x01, 0x68, 0x01, 0x04 | 0x01, 0x01];
        byte[] key = [0xAE, 0x80, 0x01, 0x00, 0x00, .. ss, .. Frame(200)];
        Assert.True(Vp9Depacketizer.TryReadDescriptor(key, out var size, out var begin, out var end, out var predicted));
        Assert.Equal(5 + ss.Length, size);
        Assert.True(begin && end);
        Assert.False(predicted);

        // Flexible, predicted: I P L F B E, 7-bit picture id, layer byte, two P_DIFF bytes (N on the first).
        byte[] delta = [0xFC, 0x02, 0x00, 0x03, 0x04, .. Frame(100, 1)];
        Assert.True(Vp9Depacketizer.TryReadDescriptor(delta, out size, out _, out _, out predicted));
        Assert.Equal(5, size);
        Assert.True(predicted);
        Assert.False(Vp9Depacketizer.TryReadDescriptor([0xFC, 0x02, 0x00, 0x03, 0x03, 0x03, 0x02], out _, out _, out _, out _)); // four P_DIFFs

        PushAll(Packets(7, (90, [key]), (180, [delta])));
        Assert.Equal(2, _frames.Count);
        Assert.Equal(Frame(200), _frames[0].Data);
        Assert.True(_frames[0].IsKeyframe);
        Assert.Equal(Frame(100, 1), _frames[1].Data);
    }

    [Fact]
    public void Spatial_layers_of_one_picture_become_a_superframe()
    {
        var low = Frame(300);
        var high = Frame(700, 5);
        // Two frames, one timestamp, marker on the last: I=0 L=1 F=1 (no TL0PICIDX), SID 0 then 1.
        byte[] first = [0x3C, 0x00, .. low];
        byte[] second = [0x3C, 0x02, .. high];
        PushAll(Packets(1, (3000, [first, second])));

        var picture = Assert.Single(_frames).Data;
        Assert.True(_frames[0].IsKeyframe);
        Assert.Equal(low.Length + high.Length + 2 + (2 * 2), picture.Length);
        Assert.Equal(low, picture[..300]);
        Assert.Equal(high, picture[300..1000]);
        // Marker 110 mm fff: 2-byte sizes, two frames; the sizes little-endian; the marker again.
        Assert.Equal([0xC9, 0x2C, 0x01, 0xBC, 0x02, 0xC9], picture[1000..]);
    }

    [Fact]
    public void A_lost_packet_drops_pictures_until_the_next_keyframe()
    {
        var packets = Packets(500,
            (3000, Vp9Packetizer.Packetize(Frame(3000), true, 1200)),
            (6000, Vp9Packetizer.Packetize(Frame(400), false, 1200)),
            (9000, Vp9Packetizer.Packetize(Frame(2500, 9), true, 1200)));
        packets.RemoveAt(2); // the keyframe's last packet: the marker never comes, the timestamp moves on

        PushAll(packets.Take(3));
        Assert.Empty(_frames);
        Assert.True(_depacketizer.KeyframeNeeded);

        PushAll(packets.Skip(3));
        var frame = Assert.Single(_frames);
        Assert.Equal(Frame(2500, 9), frame.Data);
        Assert.False(_depacketizer.KeyframeNeeded);
    }
}
