using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using static OrleansLive.UnitTests.Rtp.RtpTestMedia;

namespace OrleansLive.UnitTests.Rtp;

/// <summary>VP8 over RTP (RFC 7741): frames through the packetizer and back, Chrome's extended
/// descriptors, and loss dropping frames until the next keyframe.</summary>
public class Vp8RtpTests
{
    private readonly List<RtpVideoFrame> _frames = [];
    private readonly Vp8Depacketizer _depacketizer;

    public Vp8RtpTests() => _depacketizer = new Vp8Depacketizer(_frames.Add);

    /// <summary>A VP8 frame: the P bit (bit 0 of the first byte) clear for keyframes, then a pattern.</summary>
    private static byte[] Frame(bool keyframe, int size, int seed = 0)
    {
        var frame = new byte[size];
        for (var i = 0; i < size; i++)
        {
            frame[i] = (byte)(seed + (i * 7));
        }

        frame[0] = (byte)(keyframe ? 0x10 : 0x11);
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
    public void Frames_round_trip_through_the_packetizer()
    {
        var key = Frame(true, 5000);
        var delta = Frame(false, 700, 1);
        var payloads = Vp8Packetizer.Packetize(key, 1200);
        Assert.Equal(5, payloads.Count);
        Assert.Equal(0x10, payloads[0][0]);
        Assert.All(payloads.Skip(1), p => Assert.Equal(0, p[0]));
        Assert.InRange(payloads.Max(p => p.Length) - payloads.Min(p => p.Length), 0, 1); // even cuts

        PushAll(Packets(65534, (3000, payloads), (6000, Vp8Packetizer.Packetize(delta, 1200))));

        Assert.Equal(2, _frames.Count);
        Assert.Equal(key, _frames[0].Data);
        Assert.True(_frames[0].IsKeyframe);
        Assert.Equal(VideoCodecId.Vp8, _frames[0].Codec);
        Assert.Equal(3000u, _frames[0].Timestamp);
        Assert.Equal(delta, _frames[1].Data);
        Assert.False(_frames[1].IsKeyframe);
        Assert.False(_depacketizer.KeyframeNeeded);
    }

    [Fact]
    public void Chrome_descriptors_with_picture_id_tl0picidx_and_tid_are_read()
    {
        var key = Frame(true, 1500);
        // X=1 S=1 PID=0; I L T set; 15-bit picture id 0x1234; TL0PICIDX; TID/Y/KEYIDX.
        byte[] first = [0x90, 0xE0, 0x80 | 0x12, 0x34, 0x07, 0x20, .. key.AsSpan(0, 1000)];
        byte[] second = [0x80, 0xE0, 0x80 | 0x12, 0x34, 0x07, 0x20, .. key.AsSpan(1000)];
        // A 7-bit picture id and only K.
        byte[] small = [0x90, 0x90, 0x05, 0x00, .. Frame(false, 300)];
        PushAll(Packets(10, (90, [first, second]), (180, [small])));

        Assert.Equal(2, _frames.Count);
        Assert.Equal(key, _frames[0].Data);
        Assert.Equal(Frame(false, 300), _frames[1].Data);
        Assert.True(Vp8Depacketizer.TryReadDescriptor(first, out var size, out var start));
        Assert.Equal(6, size);
        Assert.True(start);
        Assert.False(Vp8Depacketizer.TryReadDescriptor([0x80, 0x80], out _, out _)); // picture id missing
    }

    [Fact]
    public void A_lost_packet_drops_frames_until_the_next_keyframe()
    {
        var packets = Packets(100,
            (3000, Vp8Packetizer.Packetize(Frame(true, 3000), 1200)),
            (6000, Vp8Packetizer.Packetize(Frame(false, 500), 1200)),
            (9000, Vp8Packetizer.Packetize(Frame(false, 500, 2), 1200)),
            (12000, Vp8Packetizer.Packetize(Frame(true, 2000), 1200)));
        packets.RemoveAt(1); // the keyframe's middle

        PushAll(packets.Take(5));
        Assert.Empty(_frames);
        Assert.True(_depacketizer.KeyframeNeeded);
        Assert.Equal(1, _depacketizer.LostPackets);

        PushAll(packets.Skip(5));
        var frame = Assert.Single(_frames);
        Assert.True(frame.IsKeyframe);
        Assert.Equal(12000u, frame.Timestamp);
        Assert.False(_depacketizer.KeyframeNeeded);
        Assert.Equal(3, _depacketizer.DroppedFrames);
    }

    [Fact]
    public void A_frame_whose_start_was_never_seen_is_dropped()
    {
        var payloads = Vp8Packetizer.Packetize(Frame(true, 3000), 1200);
        PushAll(Packets(1, (3000, payloads.Skip(1).ToList())));
        Assert.Empty(_frames);
        Assert.True(_depacketizer.KeyframeNeeded);
    }

    [Fact]
    public void Oversized_frames_are_dropped()
    {
        var small = new Vp8Depacketizer(_frames.Add, maxFrameSize: 1000);
        foreach (var packet in Packets(1, (3000, Vp8Packetizer.Packetize(Frame(true, 3000), 1200))))
        {
            small.Push(packet);
        }

        Assert.Empty(_frames);
        Assert.True(small.KeyframeNeeded);
    }
}
