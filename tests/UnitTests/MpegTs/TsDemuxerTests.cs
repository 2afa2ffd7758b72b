using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.MpegTs;

public class TsDemuxerTests
{
    private const int VideoPid = TsMuxer.VideoPid;

    private static List<FlvMediaSample> AvcWithAac(int bigFrames = 0)
    {
        var samples = new List<FlvMediaSample> { AvcSequenceHeader(), AacSequenceHeader() };
        var audio = 0;
        foreach (var (ts, key, cts, nalus) in AvcFrames)
        {
            samples.Add(AvcFrame(ts, key, cts, Hex(nalus)));
            for (; audio * 23 < ts + 100; audio++)
            {
                samples.Add(AacFrame((uint)(audio * 23), FakeAacRaw(audio)));
            }
        }

        for (var i = 0; i < bigFrames; i++)
        {
            samples.Add(AvcFrame((uint)(600 + (i * 40)), false, 0, BigSlice(i)));
        }

        return samples;
    }

    /// <summary>A 5000-byte non-IDR slice whose bytes encode its index: spans 28 TS packets.</summary>
    private static byte[] BigSlice(int index)
    {
        var nal = new byte[4 + 5000];
        nal[2] = 5000 >> 8;
        nal[3] = 5000 & 0xFF;
        nal[4] = 0x41;
        for (var i = 5; i < nal.Length; i++)
        {
            nal[i] = (byte)(1 + ((index + i) % 250)); // no zero bytes, so no start code emulation
        }

        return nal;
    }

    private static void AssertSameSamples(List<FlvMediaSample> input, DemuxHarness output)
    {
        var samples = input.Select(s => s.ToSample()).ToList();
        var videoIn = samples.Where(s => s.IsVideo && s.Header.Part == SamplePart.Frame).ToList();
        var audioIn = samples.Where(s => s.IsAudio && !s.Header.IsConfig).ToList();
        Assert.Equal(videoIn.Count, output.Video.Count);
        for (var i = 0; i < videoIn.Count; i++)
        {
            var got = output.Video[i];
            Assert.Equal(VideoCodecId.H264, got.Header.VideoCodec);
            Assert.Equal(videoIn[i].Dts, got.Dts);
            Assert.Equal(videoIn[i].Header.CompositionTime, got.Header.CompositionTime);
            Assert.Equal(videoIn[i].Header.IsKeyframe, got.Header.IsKeyframe);
            Assert.Equal(videoIn[i].Data.ToArray(), got.Data.ToArray());
        }

        Assert.Equal(audioIn.Count, output.Audio.Count);
        for (var i = 0; i < audioIn.Count; i++)
        {
            Assert.Equal(AudioCodecId.Aac, output.Audio[i].Header.AudioCodec);
            Assert.Equal(audioIn[i].Dts, output.Audio[i].Dts);
            Assert.Equal(audioIn[i].Data.ToArray(), output.Audio[i].Data.ToArray());
        }

        var configs = output.Configs;
        Assert.Equal(Hex(AvcRecord), configs.Single(c => c.IsVideo).Data.ToArray());
        Assert.Equal(Ts.FlvTestVectors.AacConfig, configs.Single(c => c.IsAudio).Data.ToArray());
    }

    [Theory]
    [InlineData(1316)]
    [InlineData(188)]
    [InlineData(7)]
    [InlineData(100_000)]
    public void Muxed_samples_come_back_whatever_the_chunking(int chunk)
    {
        var input = AvcWithAac(bigFrames: 3);
        var output = DemuxHarness.Run(Mux(new TsMuxer(), input), chunk);

        AssertSameSamples(input, output);
        var counters = output.Demuxer.Counters;
        Assert.Equal((0, 0, 0, 0, 0), (counters.SyncLosses, counters.ContinuityErrors, counters.CrcErrors, counters.CorruptPes, counters.DroppedPes));
        Assert.Equal(StreamTypes.H264, output.Frames.First(f => f.Pid == VideoPid).StreamType);
    }

    [Fact]
    public void Random_chunk_sizes_give_the_same_samples()
    {
        var input = AvcWithAac(bigFrames: 5);
        var ts = Mux(new TsMuxer(), input);
        var random = new Random(7);
        var harness = new DemuxHarness();
        for (var at = 0; at < ts.Length;)
        {
            var take = Math.Min(random.Next(1, 600), ts.Length - at);
            harness.Demuxer.Push(ts.AsSpan(at, take));
            at += take;
        }

        harness.Demuxer.Flush();
        AssertSameSamples(input, harness);
    }

    [Fact]
    public void Random_access_indicator_and_pcr_are_read_from_adaptation_fields()
    {
        var output = DemuxHarness.Run(Mux(new TsMuxer(), AvcWithAac()));
        var video = output.Frames.Where(f => f.Pid == VideoPid).ToList();

        Assert.Equal(AvcFrames.Select(f => f.Key), video.Select(f => f.RandomAccess));
        Assert.True(output.Demuxer.Counters.PcrCount >= 2);
        Assert.Equal(500 * 90, output.Demuxer.LastPcr);
        Assert.Equal(2, output.Demuxer.Counters.PatCount);
        Assert.Equal([VideoPid, TsMuxer.AudioPid], output.Demuxer.Streams.Keys.Order());
        var program = Assert.Single(output.Demuxer.Programs);
        Assert.Equal((TsMuxer.PmtPid, VideoPid, 0), (program.PmtPid, program.PcrPid, program.Version));
        Assert.Equal(StreamTypes.H264, program.StreamTypes[VideoPid]);
        Assert.Equal(StreamTypes.Aac, program.StreamTypes[TsMuxer.AudioPid]);
        // Keyframes carry the PCR in their first packet, equal to their DTS.
        Assert.All(video.Where(f => f.RandomAccess), f => Assert.Equal(f.Dts, f.Pcr));
    }

    [Fact]
    public void Frames_name_the_packet_they_started_in_and_a_cut_last_packet_is_counted()
    {
        var ts = Mux(new TsMuxer(), AvcWithAac());
        var output = DemuxHarness.Run(ts[..^100]);

        Assert.Equal(188 - 100, output.Demuxer.Counters.TrailingBytes);
        Assert.All(output.Frames, f => Assert.True(UnitStart(ts, (int)f.StartPacket * 188) && Pid(ts, (int)f.StartPacket * 188) == f.Pid));
        // Audio with a PES length comes out at once, video only when the next PES starts; the start restores the order.
        var starts = output.Frames.Select(f => f.StartPacket).ToList();
        Assert.NotEqual(starts.Order(), starts);
        Assert.Equal(starts.Count, starts.Distinct().Count());
    }

    [Fact]
    public void A_lost_packet_drops_exactly_the_pes_it_belonged_to()
    {
        var input = AvcWithAac(bigFrames: 4);
        var ts = Mux(new TsMuxer(), input);
        var packets = Packets(ts);
        // The 10th packet of the second big frame: not a PES start.
        var victim = packets.Where(p => Pid(ts, p) == VideoPid).Where(p => !UnitStart(ts, p)).Skip(28 + 10).First();
        var damaged = ts[..victim].Concat(ts[(victim + 188)..]).ToArray();

        var output = DemuxHarness.Run(damaged);
        Assert.Equal(1, output.Demuxer.Counters.ContinuityErrors);
        Assert.Equal(1, output.Demuxer.Counters.DroppedPes);
        var videoIn = input.Where(s => s.IsVideo).Skip(1).ToList();
        Assert.Equal(videoIn.Count - 1, output.Video.Count);
        // Every frame that did come out is whole.
        var remaining = videoIn.Select(s => s.Data.Span[5..].ToArray()).ToList();
        Assert.All(output.Video, v => Assert.Contains(remaining, r => r.AsSpan().SequenceEqual(v.Data.Span)));
    }

    [Fact]
    public void A_flipped_continuity_counter_is_counted_and_its_pes_dropped()
    {
        var input = AvcWithAac(bigFrames: 2);
        var ts = Mux(new TsMuxer(), input);
        var victim = Packets(ts).Where(p => Pid(ts, p) == VideoPid && !UnitStart(ts, p)).Skip(5).First();
        ts[victim + 3] ^= 0x05;

        var output = DemuxHarness.Run(ts);
        Assert.Equal(2, output.Demuxer.Counters.ContinuityErrors); // into the bad packet, and out of it
        Assert.Equal(1, output.Demuxer.Counters.DroppedPes);
        Assert.Equal(input.Count(s => s.IsVideo) - 2, output.Video.Count);
    }

    [Fact]
    public void Duplicate_packets_are_skipped_without_an_error()
    {
        var ts = Mux(new TsMuxer(), AvcWithAac(bigFrames: 1));
        var victim = Packets(ts).Where(p => Pid(ts, p) == VideoPid && !UnitStart(ts, p)).Skip(3).First();
        var doubled = ts[..(victim + 188)].Concat(ts[victim..(victim + 188)]).Concat(ts[(victim + 188)..]).ToArray();

        var output = DemuxHarness.Run(doubled);
        Assert.Equal(0, output.Demuxer.Counters.ContinuityErrors);
        Assert.Equal(1, output.Demuxer.Counters.DuplicatePackets);
        AssertSameSamples(AvcWithAac(bigFrames: 1), output);
    }

    [Fact]
    public void Transport_error_packets_drop_their_pes()
    {
        var ts = Mux(new TsMuxer(), AvcWithAac(bigFrames: 2));
        var victim = Packets(ts).Where(p => Pid(ts, p) == VideoPid && !UnitStart(ts, p)).Skip(4).First();
        ts[victim + 1] |= 0x80;

        var output = DemuxHarness.Run(ts);
        Assert.Equal(1, output.Demuxer.Counters.TransportErrors);
        Assert.Equal(1, output.Demuxer.Counters.DroppedPes);
    }

    [Fact]
    public void Timestamps_across_the_33_bit_wrap_stay_continuous()
    {
        const uint start = 95_443_000; // 90 kHz × start is 64 592 ticks short of 2^33
        var samples = new List<FlvMediaSample> { AvcSequenceHeader(), AacSequenceHeader() };
        for (var i = 0; i < 40; i++)
        {
            var t = start + (uint)(i * 40);
            samples.Add(AvcFrame(t, i % 10 == 0, 80, Hex(AvcFrames[i % 10 == 0 ? 0 : 1].Nalus)));
            samples.Add(AacFrame(t, FakeAacRaw(i)));
        }

        var output = DemuxHarness.Run(Mux(new TsMuxer(), samples), origin: 0);
        var video = output.Frames.Where(f => f.Pid == VideoPid).ToList();
        Assert.Equal(40, video.Count);
        Assert.True(video[^1].Dts > 1L << 33);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (start + (i * 40L)) * 90), video.Select(f => f.Dts));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => start + (i * 40L)), output.Video.Select(s => s.Dts));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => start + (i * 40L) + 80), output.Video.Select(s => s.Pts));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => start + (i * 40L)), output.Audio.Select(s => s.Dts));
    }

    [Fact]
    public void Lost_sync_is_found_again_and_counted()
    {
        var input = AvcWithAac(bigFrames: 2);
        var ts = Mux(new TsMuxer(), input);
        var junk = Enumerable.Range(0, 61).Select(i => (byte)(i == 30 ? 0x47 : 0x11)).ToArray();
        var damaged = new List<byte>(junk);
        var packets = Packets(ts);
        for (var i = 0; i < packets.Count; i++)
        {
            damaged.AddRange(ts.AsSpan(packets[i], 188).ToArray());
            if (i % 25 == 24)
            {
                damaged.AddRange(junk);
            }
        }

        var output = DemuxHarness.Run([.. damaged]);
        Assert.Equal(1 + (packets.Count / 25), output.Demuxer.Counters.SyncLosses);
        Assert.Equal(0, output.Demuxer.Counters.ContinuityErrors);
        AssertSameSamples(input, output);
    }

    [Fact]
    public void Without_pat_and_pmt_nothing_comes_out_and_nothing_is_kept()
    {
        var ts = Mux(new TsMuxer(), AvcWithAac(bigFrames: 20));
        var stripped = Packets(ts).Where(p => Pid(ts, p) is not (0 or TsMuxer.PmtPid)).SelectMany(p => ts.AsSpan(p, 188).ToArray()).ToArray();

        var output = DemuxHarness.Run(stripped);
        Assert.Empty(output.Frames);
        Assert.True(output.Demuxer.BufferedBytes < 188);
    }

    [Fact]
    public void Corrupt_pes_headers_are_counted_and_skipped()
    {
        var input = AvcWithAac();
        var ts = Mux(new TsMuxer(), input);
        var audioStart = Packets(ts).Where(p => Pid(ts, p) == TsMuxer.AudioPid && UnitStart(ts, p)).Skip(2).First();
        var payload = (ts[audioStart + 3] & 0x20) != 0 ? audioStart + 5 + ts[audioStart + 4] : audioStart + 4;
        ts[payload + 2] = 0x02; // 00 00 02: not a PES start code

        var output = DemuxHarness.Run(ts);
        Assert.Equal(1, output.Demuxer.Counters.CorruptPes);
        Assert.Equal(input.Count(s => s.IsAudio) - 2, output.Audio.Count);
    }

    [Fact]
    public void Pes_over_the_cap_are_dropped()
    {
        var output = DemuxHarness.Run(Mux(new TsMuxer(), AvcWithAac(bigFrames: 3)), maxPesSize: 4096);
        Assert.Equal(3, output.Demuxer.Counters.OversizedPes);
        Assert.Equal(AvcFrames.Length, output.Video.Count);
        Assert.True(output.Demuxer.BufferedBytes <= 2 * 4096);
    }

    [Fact]
    public void Video_before_the_first_parameter_sets_is_dropped()
    {
        var samples = Enumerable.Range(0, 3).Select(i => AvcFrame((uint)(i * 40), false, 0, Hex(AvcFrames[1].Nalus))).ToList();
        var output = DemuxHarness.Run(Mux(new TsMuxer(), samples));
        Assert.Equal(3, output.Frames.Count);
        Assert.Empty(output.Samples);
        Assert.Equal(3, output.Converter.DroppedBeforeConfig);
    }

    [Fact]
    public void Hevc_round_trips_with_an_hvcc_built_from_the_stream()
    {
        var input = new List<FlvMediaSample> { HevcLegacySequenceHeader() };
        input.AddRange(HevcFrames.Select(f => HevcLegacyFrame(f.Timestamp, f.Key, Hex(f.Nalus))));
        var output = DemuxHarness.Run(Mux(new TsMuxer(), input));

        Assert.Equal(Hex(HevcRecord), output.Configs.Single().Data.ToArray());
        Assert.Equal(HevcFrames.Select(f => f.Key), output.Video.Select(v => v.Header.IsKeyframe));
        Assert.Equal(HevcFrames.Select(f => Hex(f.Nalus)), output.Video.Select(v => v.Data.ToArray()));
        Assert.All(output.Video, v => Assert.Equal(VideoCodecId.H265, v.Header.VideoCodec));
    }

    [Fact]
    public void Changed_parameter_sets_send_a_new_config()
    {
        // Same stream twice, the second time with a different level in the SPS.
        var sps2 = Hex(AvcSps);
        sps2[3] = 0x1F;
        var record2 = DecoderRecordBuilder.BuildAvc([sps2], [Hex(AvcPps)])!;
        var samples = AvcWithAac().Where(s => s.IsVideo).ToList();
        samples.Add(new FlvMediaSample(FlvMediaSample.VideoTag, 600, Concat([0x17, 0, 0, 0, 0], record2)));
        samples.Add(AvcFrame(600, true, 0, Hex(AvcFrames[0].Nalus)));

        var output = DemuxHarness.Run(Mux(new TsMuxer(), samples));
        Assert.Equal([Hex(AvcRecord), record2], output.Configs.Select(c => c.Data.ToArray()));
        Assert.Equal(600, output.Configs[1].Dts);
    }

    private static List<int> Packets(byte[] ts) => Enumerable.Range(0, ts.Length / 188).Select(i => i * 188).ToList();

    private static int Pid(byte[] ts, int packet) => ((ts[packet + 1] & 0x1F) << 8) | ts[packet + 2];

    private static bool UnitStart(byte[] ts, int packet) => (ts[packet + 1] & 0x40) != 0;
}
