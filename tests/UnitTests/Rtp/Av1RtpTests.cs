using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using OrleansLive.UnitTests.MpegTs;
using static OrleansLive.UnitTests.Rtp.RtpTestMedia;

namespace OrleansLive.UnitTests.Rtp;

/// <summary>
/// AV1 over RTP (AOM's payload format): temporal units of a real libaom stream (Corpus/Codecs:
/// 160x90, keyframes every third picture, the keyframes over 2 KB) through the packetizer and back,
/// a Chrome-style packetization (element counts in W, fragments), loss, malformed payloads, and
/// the result decoded by ffmpeg.
/// </summary>
public class Av1RtpTests
{
    private readonly List<RtpVideoFrame> _frames = [];
    private readonly Av1Depacketizer _depacketizer;

    public Av1RtpTests() => _depacketizer = new Av1Depacketizer(_frames.Add);

    /// <summary>The stream's temporal units without their temporal delimiters, as FLV and MP4 carry them.</summary>
    internal static List<byte[]> TemporalUnits()
    {
        ReadOnlySpan<byte> data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "Codecs", "av1-160x90.obu"));
        var units = new List<byte[]>();
        var current = new List<byte>();
        while (!data.IsEmpty)
        {
            var before = data;
            Assert.True(Av1Obu.TryRead(ref data, out var type, out _));
            if (type == Av1Obu.TemporalDelimiter)
            {
                if (current.Count > 0)
                {
                    units.Add([.. current]);
                }

                current.Clear();
            }
            else
            {
                current.AddRange(before[..(before.Length - data.Length)]);
            }
        }

        units.Add([.. current]);
        return units;
    }

    private void PushAll(IEnumerable<byte[]> packets)
    {
        foreach (var packet in packets)
        {
            _depacketizer.Push(packet);
        }
    }

    private static List<byte[]> PacketsOf(IReadOnlyList<byte[]> units, int maxPayload, ushort firstSequence = 65500) =>
        Packets(firstSequence, [.. units.Select((u, i) => ((uint)(i * 9000), Av1Packetizer.Packetize(u, Av1Obu.IsKeyframe(u), maxPayloadSize: maxPayload)))]);

    [Fact]
    public void The_sequence_header_gives_profile_level_colour_and_size_and_an_av1c_like_ffmpegs()
    {
        var key = TemporalUnits()[0];
        Assert.True(Av1SequenceHeader.TryFind(key, out var header, out var obu));
        Assert.Equal(new Av1SequenceHeader(0, 0, 0, false, false, false, true, true, 0, 160, 90), header);
        Assert.Equal(12, obu.Length);
        // What ffmpeg's MP4 muxer writes for this stream (av1C box body).
        Assert.Equal("81000C000A0A00000003B4FD936BE401", Convert.ToHexString(Av1Config.Build(key)!));
        Assert.Null(Av1Config.Build(TemporalUnits()[1]));

        // SVT-AV1 at 1280x720, level 3.1 (its av1C's configOBUs).
        Assert.True(Av1Config.TryParse(Convert.FromHexString("81050c000a0b0000002d4cffb3c02f8004"), out var facts));
        Assert.Equal(new VideoFacts("AV1", "Main", "3.1", 1280, 720), facts);
    }

    [Theory]
    [InlineData(1200)]
    [InlineData(300)]
    [InlineData(40)]
    public void Temporal_units_round_trip_through_the_packetizer(int maxPayload)
    {
        var units = TemporalUnits();
        var packets = PacketsOf(units, maxPayload);
        Assert.All(packets, p => Assert.InRange(p.Length - RtpHeader.FixedSize, 2, maxPayload));
        PushAll(packets);

        Assert.Equal(units.Count, _frames.Count);
        for (var i = 0; i < units.Count; i++)
        {
            Assert.Equal(units[i], _frames[i].Data);
            Assert.Equal(i % 3 == 0, _frames[i].IsKeyframe);
            Assert.Equal((uint)(i * 9000), _frames[i].Timestamp);
            Assert.Equal(VideoCodecId.Av1, _frames[i].Codec);
        }

        Assert.False(_depacketizer.KeyframeNeeded);
    }

    [Fact]
    public void Aggregation_headers_mark_fragments_and_the_keyframes_first_packet()
    {
        var units = TemporalUnits();
        var key = Av1Packetizer.Packetize(units[0], keyframe: true);
        Assert.True(key.Count >= 2);
        Assert.True(Av1Depacketizer.TryReadAggregationHeader(key[0], out var z, out var y, out var w, out var n));
        Assert.False(z);
        Assert.True(y); // the 2 KB frame OBU goes on in the next packet
        Assert.Equal(0, w);
        Assert.True(n);
        Assert.True(Av1Depacketizer.TryReadAggregationHeader(key[^1], out z, out y, out _, out n));
        Assert.True(z);
        Assert.False(y);
        Assert.False(n);
        Assert.All(Av1Packetizer.Packetize(units[1], keyframe: false), p => Assert.Equal(0, p[0] & 0x08));

        // A temporal delimiter, tile list and padding OBU are left out.
        byte[] extra = [0x12, 0x00, 0x42, 0x01, 0xAA, 0x7A, 0x02, 0x00, 0x00];
        var payloads = Av1Packetizer.Packetize([.. extra, .. units[1]], keyframe: false);
        PushAll(Packets(1, (0, Av1Packetizer.Packetize(units[0], true)), (9000, payloads)));
        Assert.Equal(units[1], _frames[1].Data);
    }

    [Fact]
    public void A_keyframe_without_a_sequence_header_gets_the_streams_in_front()
    {
        var units = TemporalUnits();
        Assert.True(Av1SequenceHeader.TryFind(units[0], out _, out var sequenceHeader));
        var bare = units[0][sequenceHeader.Length..];
        Assert.False(Av1Obu.IsKeyframe(bare));

        PushAll(Packets(7, (0, Av1Packetizer.Packetize(bare, keyframe: true, sequenceHeader))));
        var frame = Assert.Single(_frames);
        Assert.Equal(units[0], frame.Data);
        Assert.True(frame.IsKeyframe);
    }

    [Fact]
    public void A_chrome_style_packetization_with_element_counts_depacketizes_to_the_stream()
    {
        // Corpus/Rtp: the same stream cut as Chrome does (W = elements in the packet, the last
        // without a length; Z/Y fragments), at most 500-byte payloads.
        var data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "Rtp", "av1-chrome-w-count.bin"));
        for (var at = 0; at < data.Length;)
        {
            var length = (data[at] << 8) | data[at + 1];
            Assert.True(_depacketizer.Push(data.AsSpan(at + 2, length)));
            at += 2 + length;
        }

        Assert.Equal(TemporalUnits(), _frames.Select(f => f.Data));
        Assert.Equal(0, _depacketizer.LostPackets);
    }

    [Fact]
    public void Elements_with_their_size_field_and_an_extension_header_are_kept_whole()
    {
        // W=2: an OBU_METADATA with obu_has_size_field set (size 2), then a frame header OBU with an
        // extension byte, its size running to the packet's end.
        byte[] payload = [0x20, 0x04, 0x2A, 0x02, 0x01, 0x02, 0x1C, 0x28, 0x30, 0x00];
        PushAll(Packets(1, (0, Av1Packetizer.Packetize(TemporalUnits()[0], true)), (9000, [payload])));
        Assert.Equal(2, _frames.Count);
        Assert.Equal([0x2A, 0x02, 0x01, 0x02, 0x1E, 0x28, 0x02, 0x30, 0x00], _frames[1].Data);
    }

    [Fact]
    public void A_lost_packet_drops_temporal_units_until_the_next_keyframe()
    {
        var units = TemporalUnits();
        var packets = PacketsOf(units, 1200, firstSequence: 10);
        packets.RemoveAt(1); // the first keyframe's tail

        PushAll(packets);
        Assert.Equal([3, 4, 5], _frames.Select(f => (int)(f.Timestamp / 9000)));
        Assert.True(_frames[0].IsKeyframe);
        Assert.Equal(1, _depacketizer.LostPackets);
        Assert.Equal(3, _depacketizer.DroppedFrames);
        Assert.False(_depacketizer.KeyframeNeeded);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05 })] // Z without a fragment in progress
    [InlineData(new byte[] { 0x00, 0x00 })]                               // a zero-length element
    [InlineData(new byte[] { 0x00, 0x05, 0x32, 0x00 })]                   // a length past the end
    [InlineData(new byte[] { 0x10, 0xB2, 0x00 })]                         // the forbidden bit
    [InlineData(new byte[] { 0x10, 0x32, 0x05, 0x00 })]                   // a size field past the element
    [InlineData(new byte[] { 0x20, 0x02, 0x32, 0x00 })]                   // W=2 with one element
    [InlineData(new byte[] { 0x50, 0x32, 0x00 })]                         // Y on the marker packet
    public void Malformed_payloads_break_the_temporal_unit_and_ask_for_a_keyframe(byte[] payload)
    {
        PushAll(Packets(1, (0, Av1Packetizer.Packetize(TemporalUnits()[0], true)), (9000, [payload])));
        Assert.Single(_frames);
        Assert.True(_depacketizer.KeyframeNeeded);
    }

    [Fact]
    public void Oversized_temporal_units_are_dropped()
    {
        var small = new Av1Depacketizer(_frames.Add, maxFrameSize: 1000);
        foreach (var packet in PacketsOf(TemporalUnits()[..1], 1200))
        {
            small.Push(packet);
        }

        Assert.Empty(_frames);
        Assert.True(small.KeyframeNeeded);
    }

    [Fact]
    public void The_depacketized_stream_decodes_in_ffmpeg()
    {
        PushAll(PacketsOf(TemporalUnits(), 500));
        using var tool = new FfmpegTool();
        var path = tool.PathOf("out.obu");
        File.WriteAllBytes(path, [.. _frames.SelectMany(f => (byte[])[0x12, 0x00, .. f.Data])]);
        var (code, stdout, stderr) = FfmpegTool.Run("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", path);
        Assert.True(code == 0, stderr);
        Assert.Equal("av1,160,90,6", stdout.Trim());
        Assert.True(string.IsNullOrWhiteSpace(stderr), stderr);
    }
}
