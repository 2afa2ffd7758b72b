using System.Buffers;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.UnitTests.Mp4;
using OrleansLive.UnitTests.MpegTs;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Ts;

public class TsMuxerTests
{
    private static readonly byte[] AvcAud = [0, 0, 0, 1, 0x09, 0xF0];
    private static readonly byte[] StartCode = [0, 0, 0, 1];

    private static IEnumerable<FlvMediaSample> AvcWithAac()
    {
        yield return AvcSequenceHeader();
        yield return AacSequenceHeader();
        var audio = 0;
        foreach (var (ts, key, cts, nalus) in AvcFrames)
        {
            yield return AvcFrame(ts, key, cts, Hex(nalus));
            // Roughly 1024 samples at 44.1 kHz: ~23 ms per AAC frame.
            for (; audio * 23 < ts + 100; audio++)
            {
                yield return AacFrame((uint)(audio * 23), FakeAacRaw(audio));
            }
        }
    }

    [Fact]
    public void Writes_pat_and_pmt_with_stream_types_and_pcr_pid()
    {
        var muxer = new TsMuxer();
        var ts = Mux(muxer, AvcWithAac());
        var reader = DemuxHarness.Demux(ts);

        Assert.True(muxer.HasVideo);
        Assert.True(muxer.HasAudio);
        Assert.Equal(TsMuxer.PmtPid, reader.Program.PmtPid);
        Assert.Equal(TsMuxer.VideoPid, reader.Program.PcrPid);
        Assert.Equal(StreamTypes.H264, reader.Program.StreamTypes[TsMuxer.VideoPid]);
        Assert.Equal(StreamTypes.Aac, reader.Program.StreamTypes[TsMuxer.AudioPid]);
        Assert.Equal(0, reader.Demuxer.Counters.CrcErrors);
        Assert.Equal(2, reader.Demuxer.Counters.PatCount); // one per keyframe
        Assert.Equal(2, reader.Demuxer.Counters.PmtCount);
    }

    [Fact]
    public void Every_packet_is_188_bytes_with_sync_byte_and_counters_continue()
    {
        var muxer = new TsMuxer();
        // A large frame spans many packets, and enough frames to wrap the 4-bit counters.
        var big = new byte[4 + 5000];
        big[2] = (byte)(5000 >> 8);
        big[3] = 5000 & 0xFF;
        big[4] = 0x41;
        var samples = AvcWithAac().Concat(Enumerable.Range(0, 20).Select(i => AvcFrame((uint)(600 + (i * 40)), false, 0, big)));
        var ts = Mux(muxer, samples);

        Assert.Equal(0, ts.Length % 188);
        for (var i = 0; i < ts.Length; i += 188)
        {
            Assert.Equal(0x47, ts[i]);
        }
        var reader = DemuxHarness.Demux(ts);
        var pes = reader.Pes;
        Assert.Equal(0, reader.SyncErrors);
        Assert.Equal(0, reader.ContinuityErrors);
        Assert.Equal(6 + 20, pes.Count(p => p.Pid == TsMuxer.VideoPid));
        Assert.All(pes.Where(p => p.Pid == TsMuxer.VideoPid).Skip(6), p => Assert.Equal(AvcAud.Length + 4 + 5000, p.Payload.Length));
    }

    [Fact]
    public void Video_pts_and_dts_are_milliseconds_times_90_plus_composition_time()
    {
        var pes = DemuxHarness.Demux(Mux(new TsMuxer(), AvcStream())).Pes;
        var video = pes.Where(p => p.Pid == TsMuxer.VideoPid).ToList();

        Assert.Equal(AvcFrames.Length, video.Count);
        for (var i = 0; i < video.Count; i++)
        {
            var (ts, _, cts, _) = AvcFrames[i];
            Assert.Equal(ts * 90L, video[i].Dts);
            Assert.Equal((ts + cts) * 90L, video[i].Pts);
            Assert.Equal(StreamTypes.H264, video[i].StreamType);
        }
    }

    [Fact]
    public void Keyframes_get_aud_then_sps_pps_then_annex_b_slices()
    {
        var video = DemuxHarness.Demux(Mux(new TsMuxer(), AvcStream())).Pes.Where(p => p.Pid == TsMuxer.VideoPid).ToList();

        var expectedKey = Join(AvcAud, StartCode, Hex(AvcSps), StartCode, Hex(AvcPps), StartCode, Hex(AvcFrames[0].Nalus)[4..]);
        Assert.Equal(expectedKey, video[0].Payload);
        Assert.True(video[0].RandomAccess);

        var expectedInter = Join(AvcAud, StartCode, Hex(AvcFrames[1].Nalus)[4..]);
        Assert.Equal(expectedInter, video[1].Payload);
        Assert.False(video[1].RandomAccess);

        Assert.True(video[3].RandomAccess);
        Assert.Equal(Join(AvcAud, StartCode, Hex(AvcSps), StartCode, Hex(AvcPps)), video[3].Payload[..(AvcAud.Length + 8 + 21 + 4)]);
    }

    [Fact]
    public void Parameter_sets_are_not_repeated_when_the_keyframe_carries_its_own()
    {
        var sps = Hex(AvcSps);
        var inline = Join([0, 0, 0, (byte)sps.Length], sps, Hex(AvcFrames[0].Nalus));
        var muxer = new TsMuxer();
        var video = DemuxHarness.Demux(Mux(muxer, [AvcSequenceHeader(), AvcFrame(0, true, 0, inline)])).Pes.Single(p => p.Pid == TsMuxer.VideoPid);

        Assert.Equal(Join(AvcAud, StartCode, sps, StartCode, Hex(AvcFrames[0].Nalus)[4..]), video.Payload);
    }

    [Fact]
    public void Existing_access_unit_delimiters_are_replaced_not_duplicated()
    {
        var withAud = Join([0, 0, 0, 2, 0x09, 0x30], Hex(AvcFrames[1].Nalus));
        var video = DemuxHarness.Demux(Mux(new TsMuxer(), [AvcSequenceHeader(), AvcFrame(0, false, 0, withAud)])).Pes.Single();

        Assert.Equal(Join(AvcAud, StartCode, Hex(AvcFrames[1].Nalus)[4..]), video.Payload);
    }

    [Fact]
    public void Aac_frames_get_adts_headers_from_the_audio_specific_config()
    {
        var pes = DemuxHarness.Demux(Mux(new TsMuxer(), AvcWithAac())).Pes;
        var audio = pes.Where(p => p.Pid == TsMuxer.AudioPid).ToList();

        Assert.NotEmpty(audio);
        for (var i = 0; i < audio.Count; i++)
        {
            var frame = audio[i].Payload;
            var raw = FakeAacRaw(i);
            Assert.Equal(0xFF, frame[0]);
            Assert.Equal(0xF1, frame[1]); // sync, MPEG-4, layer 0, no CRC
            Assert.Equal(1, frame[2] >> 6); // profile: AAC LC (object type 2) - 1
            Assert.Equal(4, (frame[2] >> 2) & 0x0F); // 44100 Hz
            Assert.Equal(2, ((frame[2] & 1) << 2) | (frame[3] >> 6)); // stereo
            Assert.Equal(raw.Length + 7, ((frame[3] & 0x03) << 11) | (frame[4] << 3) | (frame[5] >> 5));
            Assert.Equal(raw, frame[7..]);
            Assert.Equal(i * 23 * 90L, audio[i].Pts);
            Assert.Equal(audio[i].Pts, audio[i].Dts);
            Assert.Equal(StreamTypes.Aac, audio[i].StreamType);
        }
    }

    [Fact]
    public void Pcr_is_on_keyframes_and_at_least_every_100_ms_of_video()
    {
        var samples = new List<FlvMediaSample> { AvcSequenceHeader(), AvcFrame(0, true, 0, Hex(AvcFrames[0].Nalus)) };
        for (var i = 1; i < 30; i++)
        {
            samples.Add(AvcFrame((uint)(i * 40), i % 10 == 0, 0, Hex(AvcFrames[i % 10 == 0 ? 0 : 1].Nalus)));
        }
        var reader = DemuxHarness.Demux(Mux(new TsMuxer(), samples));
        var video = reader.Pes;

        Assert.All(video.Where(p => p.RandomAccess), p => Assert.Equal(p.Dts, p.Pcr));
        var pcrTimes = video.Where(p => p.Pcr is not null).Select(p => p.Pcr!.Value).ToList();
        Assert.Equal(0, pcrTimes[0]);
        Assert.All(pcrTimes.Zip(pcrTimes.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 1, 9000 + (40 * 90)));
        Assert.Equal(pcrTimes.Count, reader.Demuxer.Counters.PcrCount);
    }

    [Fact]
    public void Tables_precede_every_keyframe()
    {
        var ts = Mux(new TsMuxer(), AvcWithAac());
        var keyframes = 0;
        for (var i = 0; i < ts.Length; i += 188)
        {
            var pid = ((ts[i + 1] & 0x1F) << 8) | ts[i + 2];
            var start = (ts[i + 1] & 0x40) != 0;
            var randomAccess = (ts[i + 3] & 0x20) != 0 && ts[i + 4] > 0 && (ts[i + 5] & 0x40) != 0;
            if (pid == TsMuxer.VideoPid && start && randomAccess)
            {
                Assert.Equal(0, ((ts[i - 376 + 1] & 0x1F) << 8) | ts[i - 376 + 2]);
                Assert.Equal(TsMuxer.PmtPid, ((ts[i - 188 + 1] & 0x1F) << 8) | ts[i - 188 + 2]);
                keyframes++;
            }
        }
        Assert.Equal(2, keyframes);
        Assert.Equal(0, ts[1] & 0x1F); // stream opens with the PAT
    }

    [Fact]
    public void A_segmenter_calling_write_tables_before_a_keyframe_gets_them_once()
    {
        var muxer = new TsMuxer();
        var output = new ExactBufferWriter();
        foreach (var sample in AvcWithAac())
        {
            if (sample.ToSample().Header.IsKeyframe)
            {
                muxer.WriteTables(output);
            }
            muxer.Write(output, (sample).ToSample());
        }
        var reader = DemuxHarness.Demux(output.ToArray());

        Assert.Equal(2, reader.Demuxer.Counters.PatCount);
        Assert.Equal(2, reader.Demuxer.Counters.PmtCount);
        Assert.Equal(0, reader.ContinuityErrors);
    }

    [Fact]
    public void Timestamps_that_jump_by_hours_or_wrap_do_not_throw()
    {
        uint[] times = [0, 3 * 3600 * 1000, 1000, 30 * 3600 * 1000, uint.MaxValue - 10, 5];
        var samples = new List<FlvMediaSample> { AvcSequenceHeader(), AacSequenceHeader() };
        foreach (var t in times)
        {
            samples.Add(AvcFrame(t, true, 100, Hex(AvcFrames[0].Nalus)));
            samples.Add(AacFrame(t, FakeAacRaw(1)));
        }
        var reader = DemuxHarness.Demux(Mux(new TsMuxer(), samples));
        var pes = reader.Pes;

        var video = pes.Where(p => p.Pid == TsMuxer.VideoPid).ToList();
        Assert.Equal(times.Length, video.Count);
        for (var i = 0; i < times.Length; i++)
        {
            // The demuxer unwraps onto a 64-bit timeline; the low 33 bits are what the muxer wrote.
            Assert.Equal(times[i] * 90L & ((1L << 33) - 1), video[i].Dts & ((1L << 33) - 1));
            Assert.Equal((times[i] + 100L) * 90L & ((1L << 33) - 1), video[i].Pts & ((1L << 33) - 1));
        }
        Assert.Equal(0, reader.ContinuityErrors);
    }

    [Fact]
    public void A_stream_without_keyframes_or_sequence_header_still_muxes()
    {
        var samples = Enumerable.Range(0, 5).Select(i => AvcFrame((uint)(i * 40), false, 0, Hex(AvcFrames[1].Nalus)));
        var reader = DemuxHarness.Demux(Mux(new TsMuxer(), samples));
        var pes = reader.Pes;

        Assert.Equal(1, reader.Demuxer.Counters.PatCount);
        Assert.Equal(StreamTypes.H264, reader.Program.StreamTypes[TsMuxer.VideoPid]);
        Assert.Equal(5, pes.Count);
        Assert.All(pes, p => Assert.False(p.RandomAccess));
        Assert.NotNull(pes[0].Pcr);
    }

    [Fact]
    public void Sequence_headers_alone_emit_nothing()
    {
        var output = new ArrayBufferWriter<byte>();
        var muxer = new TsMuxer();
        muxer.Write(output, (AvcSequenceHeader()).ToSample());
        muxer.Write(output, (AacSequenceHeader()).ToSample());

        Assert.Equal(0, output.WrittenCount);
        Assert.True(muxer.HasVideo);
        Assert.True(muxer.HasAudio);
    }

    [Fact]
    public void Audio_arriving_after_video_bumps_the_pmt_version()
    {
        var samples = new List<FlvMediaSample>
        {
            AvcSequenceHeader(),
            AvcFrame(0, true, 0, Hex(AvcFrames[0].Nalus)),
            AacSequenceHeader(40),
            AacFrame(40, FakeAacRaw(0)),
        };
        var reader = DemuxHarness.Demux(Mux(new TsMuxer(), samples));
        var pes = reader.Pes;

        Assert.Equal(2, reader.Demuxer.Counters.PmtCount);
        Assert.Equal(1, reader.Program.Version);
        Assert.Equal(StreamTypes.Aac, reader.Program.StreamTypes[TsMuxer.AudioPid]);
        Assert.Single(pes, p => p.Pid == TsMuxer.AudioPid);
    }

    [Fact]
    public void Audio_only_streams_carry_pcr_on_the_audio_pid()
    {
        var samples = new List<FlvMediaSample> { AacSequenceHeader() };
        samples.AddRange(Enumerable.Range(0, 10).Select(i => AacFrame((uint)(i * 23), FakeAacRaw(i))));
        var reader = DemuxHarness.Demux(Mux(new TsMuxer(), samples));
        var pes = reader.Pes;

        Assert.Equal(TsMuxer.AudioPid, reader.Program.PcrPid);
        Assert.False(reader.Program.StreamTypes.ContainsKey(TsMuxer.VideoPid));
        Assert.Equal(10, pes.Count);
        Assert.Equal(0, pes[0].Pcr);
        Assert.Equal(5 * 23 * 90, pes[5].Pcr); // first frame at least 100 ms later
    }

    [Fact]
    public void Audio_frames_can_be_packed_into_one_pes()
    {
        var muxer = new TsMuxer { AudioFramesPerPes = 4 };
        var output = new ArrayBufferWriter<byte>();
        muxer.Write(output, (AacSequenceHeader()).ToSample());
        for (var i = 0; i < 10; i++)
        {
            muxer.Write(output, (AacFrame((uint)(i * 23), FakeAacRaw(i))).ToSample());
        }
        muxer.Flush(output);
        var pes = DemuxHarness.Demux(output.WrittenSpan).Pes;

        Assert.Equal([4, 4, 2], pes.Select(p => p.Payload.Length / (7 + 40)));
        Assert.Equal([0L, 4 * 23 * 90, 8 * 23 * 90], pes.Select(p => p.Pts));
        var second = pes[1].Payload;
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(0xFF, second[i * 47]);
            Assert.Equal(FakeAacRaw(4 + i), second[((i * 47) + 7)..((i + 1) * 47)]);
        }
    }

    [Fact]
    public void Packed_audio_is_flushed_before_keyframes_and_on_timestamp_gaps()
    {
        var muxer = new TsMuxer { AudioFramesPerPes = 8 };
        var samples = new List<FlvMediaSample>
        {
            AvcSequenceHeader(),
            AacSequenceHeader(),
            AacFrame(0, FakeAacRaw(0)),
            AacFrame(23, FakeAacRaw(1)),
            AvcFrame(40, true, 0, Hex(AvcFrames[0].Nalus)),
            AacFrame(46, FakeAacRaw(2)),
            AacFrame(500, FakeAacRaw(3)), // gap: starts a new PES
            AacFrame(480, FakeAacRaw(4)), // backwards: starts a new PES
        };
        var output = new ArrayBufferWriter<byte>();
        foreach (var sample in samples)
        {
            muxer.Write(output, (sample).ToSample());
        }
        muxer.Flush(output);
        var pes = DemuxHarness.Demux(output.WrittenSpan).Pes;

        Assert.Equal(
            [(TsMuxer.AudioPid, 0L), (TsMuxer.VideoPid, 40 * 90), (TsMuxer.AudioPid, 46 * 90), (TsMuxer.AudioPid, 500 * 90), (TsMuxer.AudioPid, 480 * 90)],
            pes.Select(p => (p.Pid, p.Pts)));
        Assert.Equal(2 * 47, pes[0].Payload.Length);
    }

    [Fact]
    public void Mp3_frames_pass_through()
    {
        byte[] mp3 = [0xFF, 0xFB, 0x90, 0x64, 1, 2, 3, 4];
        var sample = new FlvMediaSample(FlvMediaSample.AudioTag, 20, Concat([0x2F], mp3));
        var reader = DemuxHarness.Demux(Mux(new TsMuxer(), [sample]));
        var pes = reader.Pes.Single();

        Assert.Equal(StreamTypes.Mp3, reader.Program.StreamTypes[TsMuxer.AudioPid]);
        Assert.Equal(mp3, pes.Payload);
        Assert.Equal(20 * 90, pes.Pts);
    }

    [Fact]
    public void Aac_without_config_is_dropped_but_adts_input_passes_through()
    {
        byte[] adts = [0xFF, 0xF1, 0x50, 0x80, 0x01, 0x1F, 0xFC, 9];
        var pes = DemuxHarness.Demux(Mux(new TsMuxer(), [AacFrame(0, FakeAacRaw(0)), AacFrame(23, adts)])).Pes.Single();

        Assert.Equal(adts, pes.Payload);
        Assert.Equal(23 * 90, pes.Pts);
    }

    [Fact]
    public void Legacy_hevc_gets_hevc_stream_type_aud_and_parameter_sets()
    {
        var samples = new List<FlvMediaSample> { HevcLegacySequenceHeader() };
        samples.AddRange(HevcFrames.Select(f => HevcLegacyFrame(f.Timestamp, f.Key, Hex(f.Nalus))));
        AssertHevc(samples);
    }

    [Fact]
    public void Enhanced_rtmp_hevc_gets_hevc_stream_type_aud_and_parameter_sets()
    {
        var samples = new List<FlvMediaSample> { EnhancedVideo(0, 1, 0, "hvc1", Hex(HevcRecord)) };
        foreach (var (ts, key, nalus) in HevcFrames)
        {
            // Alternate CodedFrames (with a zero CTS) and CodedFramesX (no CTS field).
            samples.Add(key ? EnhancedVideo(ts, 1, 1, "hvc1", Join([0, 0, 0], Hex(nalus))) : EnhancedVideo(ts, 2, 3, "hvc1", Hex(nalus)));
        }
        AssertHevc(samples);
    }

    private static void AssertHevc(List<FlvMediaSample> samples)
    {
        var reader = DemuxHarness.Demux(Mux(new TsMuxer(), samples));
        var pes = reader.Pes;

        Assert.Equal(StreamTypes.Hevc, reader.Program.StreamTypes[TsMuxer.VideoPid]);
        Assert.Equal(HevcFrames.Length, pes.Count);
        var key = pes[0].Payload;
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0x46, 0x01, 0x50 }, key[..7]);
        var types = NalTypesAnnexB(key).Select(b => (b >> 1) & 0x3F).ToArray();
        Assert.Equal(new[] { 35, 32, 33, 34, 20 }, types);
        Assert.Equal(new[] { 35, 1 }, NalTypesAnnexB(pes[1].Payload).Select(b => (b >> 1) & 0x3F).ToArray());
        Assert.True(pes[0].RandomAccess);
        Assert.Equal(100 * 90, pes[1].Pts);
    }

    private static List<byte> NalTypesAnnexB(byte[] es)
    {
        var headers = new List<byte>();
        for (var i = 0; i + 4 < es.Length; i++)
        {
            if (es[i] == 0 && es[i + 1] == 0 && es[i + 2] == 0 && es[i + 3] == 1)
            {
                headers.Add(es[i + 4]);
            }
        }
        return headers;
    }

    private static byte[] Join(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
