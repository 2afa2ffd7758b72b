using System.Buffers.Binary;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Containers.Ps;
using OrleansLive.Media.Samples;
using OrleansLive.UnitTests.MpegTs;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Ps;

public sealed class PsDemuxerTests : IDisposable
{
    private readonly FfmpegTool _ffmpeg = new();

    public void Dispose() => _ffmpeg.Dispose();

    private sealed class Harness
    {
        public Harness(int maxFrameSize = PsDemuxer.DefaultMaxFrameSize)
        {
            Converter = new ElementarySampleConverter(s => Samples.Add(s with { Data = s.Data.ToArray() }));
            Demuxer = new PsDemuxer(f =>
            {
                Frames.Add(f with { Data = f.Data.ToArray() });
                Converter.Write(f);
            })
            { MaxFrameSize = maxFrameSize };
        }

        public PsDemuxer Demuxer { get; }

        public ElementarySampleConverter Converter { get; }

        public List<ElementaryFrame> Frames { get; } = [];

        public List<MediaSample> Samples { get; } = [];

        public List<MediaSample> Video => Samples.Where(s => s.IsVideo && !s.Header.IsConfig).ToList();

        public List<MediaSample> Audio => Samples.Where(s => s.IsAudio && !s.Header.IsConfig).ToList();

        public static Harness Run(byte[] ps, int chunk = 1400, int maxFrameSize = PsDemuxer.DefaultMaxFrameSize)
        {
            var harness = new Harness(maxFrameSize);
            for (var at = 0; at < ps.Length; at += chunk)
            {
                harness.Demuxer.Push(ps.AsSpan(at, Math.Min(chunk, ps.Length - at)));
            }

            harness.Demuxer.Flush();
            return harness;
        }
    }

    [Theory]
    [InlineData("libx264", "mp2", VideoCodecId.H264, AudioCodecId.Mp3)]
    [InlineData("libx265", "mp2", VideoCodecId.H265, AudioCodecId.Mp3)]
    public void Ffmpeg_program_stream_demuxes_to_the_frames_ffprobe_counts(string videoEncoder, string audioEncoder, VideoCodecId video, AudioCodecId audio)
    {
        var ps = _ffmpeg.Generate("in.vob",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=sample_rate=48000",
            "-c:v", videoEncoder, "-g", "12", "-bf", "2", "-c:a", audioEncoder, "-t", "2", "-f", "vob");
        var probe = FfmpegTool.Packets(_ffmpeg.PathOf("in.vob"));
        var output = Harness.Run(ps);

        Assert.Equal(probe.Count(p => p.Stream == 0), output.Video.Count);
        Assert.Equal(probe.Count(p => p.Stream == 0 && p.Key), output.Video.Count(v => v.Header.IsKeyframe));
        Assert.All(output.Video, v => Assert.Equal(video, v.Header.VideoCodec));
        Assert.All(output.Audio, a => Assert.Equal(audio, a.Header.AudioCodec));
        var dts = output.Video.Select(v => v.Dts).ToList();
        Assert.All(dts.Zip(dts.Skip(1)), pair => Assert.Equal(40, pair.Second - pair.First));
        if (audio == AudioCodecId.Aac)
        {
            Assert.Equal(probe.Count(p => p.Stream == 1), output.Audio.Count);
        }
        else
        {
            // MPEG audio passes through per PES; every byte arrives.
            Assert.NotEmpty(output.Audio);
        }

        Assert.True(output.Demuxer.Counters.Packs > 0);
        Assert.Equal(0, output.Demuxer.Counters.CorruptPackets);
    }

    [Fact]
    public void Gb28181_stream_map_names_h264_and_g711_and_split_frames_are_joined()
    {
        var ps = new List<byte>();
        var g711 = Enumerable.Range(0, 160).Select(i => (byte)(0xD5 ^ i)).ToArray();
        var big = BigAnnexBFrame(70_000); // over one PES: sent as a timed PES and untimed ones
        for (var i = 0; i < AvcFrames.Length; i++)
        {
            var (ts, key, cts, nalus) = AvcFrames[i];
            ps.AddRange(Pack(ts * 90L));
            if (key)
            {
                ps.AddRange(SystemHeader());
                ps.AddRange(StreamMap((StreamTypes.H264, 0xE0), (PsDemuxer.StreamTypeG711A, 0xC0)));
            }

            var annexB = Concat(key ? Concat(Concat([0, 0, 0, 1], Hex(AvcSps)), Concat([0, 0, 0, 1], Hex(AvcPps))) : [], Concat([0, 0, 0, 1], Hex(nalus)[4..]));
            if (i == 2)
            {
                annexB = Concat(annexB, big);
            }

            AddPes(ps, 0xE0, annexB, (ts + cts) * 90L, ts * 90L);
            ps.AddRange(Pes(0xC0, g711, ts * 90L, null));
        }

        ps.AddRange([0, 0, 1, 0xB9]);
        var output = Harness.Run([.. ps], chunk: 333);

        Assert.Equal(Hex(AvcRecord), output.Samples.First(s => s.Header.IsConfig).Data.ToArray());
        Assert.Equal(AvcFrames.Select(f => f.Key), output.Video.Select(v => v.Header.IsKeyframe));
        Assert.Equal(AvcFrames.Select(f => (long)f.Timestamp), output.Video.Select(v => v.Dts));
        Assert.Equal(AvcFrames.Select(f => f.Cts), output.Video.Select(v => v.Header.CompositionTime));
        Assert.Equal(Concat(Hex(AvcFrames[2].Nalus), LengthPrefixed(big)), output.Video[2].Data.ToArray());
        Assert.Equal(AvcFrames.Length, output.Audio.Count);
        Assert.All(output.Audio, a => Assert.Equal(AudioCodecId.G711A, a.Header.AudioCodec));
        Assert.All(output.Audio, a => Assert.Equal(g711, a.Data.ToArray()));
        Assert.Equal(2, output.Demuxer.Counters.StreamMaps);
    }

    [Fact]
    public void Frames_over_the_cap_are_dropped_whole()
    {
        var ps = new List<byte>();
        ps.AddRange(Pack(0));
        ps.AddRange(StreamMap((StreamTypes.H264, 0xE0)));
        var key = Concat(Concat([0, 0, 0, 1], Hex(AvcSps)), Concat(Concat([0, 0, 0, 1], Hex(AvcPps)), Concat([0, 0, 0, 1], Hex(AvcFrames[0].Nalus)[4..])));
        AddPes(ps, 0xE0, key, 0, 0);
        AddPes(ps, 0xE0, Concat([0, 0, 0, 1], Concat(Hex(AvcFrames[1].Nalus)[4..], BigAnnexBFrame(100_000))), 3600, 3600);
        AddPes(ps, 0xE0, Concat([0, 0, 0, 1], Hex(AvcFrames[2].Nalus)[4..]), 7200, 7200);

        var output = Harness.Run([.. ps], maxFrameSize: 50_000);
        Assert.Equal(1, output.Demuxer.Counters.OversizedFrames);
        Assert.Equal([0L, 80], output.Video.Select(v => v.Dts));
        Assert.True(output.Demuxer.BufferedBytes < 3 * 65_536);
    }

    [Fact]
    public void Garbage_before_and_between_packs_is_skipped()
    {
        var ps = new List<byte>(Enumerable.Repeat((byte)0x55, 1000));
        ps.AddRange(Pack(0));
        ps.AddRange(StreamMap((PsDemuxer.StreamTypeG711U, 0xC0)));
        ps.AddRange(Pes(0xC0, [1, 2, 3], 0, null));
        ps.AddRange([0, 0, 1, 0x00, 9, 9]); // not a system start code
        ps.AddRange(Pes(0xC0, [4, 5, 6], 1800, null));

        var output = Harness.Run([.. ps]);
        Assert.Equal([[1, 2, 3], [4, 5, 6]], output.Audio.Select(a => a.Data.ToArray()));
        Assert.Equal([0L, 20], output.Audio.Select(a => a.Dts));
        Assert.True(output.Demuxer.Counters.SkippedBytes >= 1000);
    }

    private static byte[] LengthPrefixed(byte[] annexB)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        AnnexB.WriteLengthPrefixed(annexB, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A non-IDR slice (not the first of its picture) of the given size, without zero bytes.</summary>
    private static byte[] BigAnnexBFrame(int size)
    {
        var nal = new byte[size];
        nal[2] = 1;
        nal[3] = 0x41;
        nal[4] = 0x40; // first_mb_in_slice != 0: continues the picture
        for (var i = 5; i < size; i++)
        {
            nal[i] = (byte)(1 + (i % 200));
        }

        return nal;
    }

    /// <summary>Splits a payload over PES of at most 60 000 bytes; only the first carries timestamps.</summary>
    private static void AddPes(List<byte> ps, byte streamId, byte[] payload, long pts, long dts)
    {
        for (var at = 0; at < payload.Length; at += 60_000)
        {
            var part = payload.AsSpan(at, Math.Min(60_000, payload.Length - at)).ToArray();
            ps.AddRange(at == 0 ? Pes(streamId, part, pts, dts) : Pes(streamId, part, null, null));
        }
    }

    private static byte[] Pack(long scr)
    {
        var pack = new byte[14];
        pack[2] = 1;
        pack[3] = 0xBA;
        // '01', SCR 3+15+15 bits with markers, 9-bit extension, mux rate, stuffing length 0.
        pack[4] = (byte)(0x44 | ((scr >> 27) & 0x38) | ((scr >> 28) & 0x03));
        pack[5] = (byte)(scr >> 20);
        pack[6] = (byte)(((scr >> 12) & 0xF8) | 0x04 | ((scr >> 13) & 0x03));
        pack[7] = (byte)(scr >> 5);
        pack[8] = (byte)(((scr << 3) & 0xF8) | 0x04);
        pack[9] = 0x01;
        pack[10] = 0x01;
        pack[11] = 0x89;
        pack[12] = 0xC3;
        pack[13] = 0xF8;
        return pack;
    }

    private static byte[] SystemHeader() => [0, 0, 1, 0xBB, 0, 9, 0x80, 0x01, 0x01, 0x04, 0xE1, 0xFF, 0xE0, 0xE0, 0x80];

    private static byte[] StreamMap(params (byte Type, byte Id)[] streams)
    {
        var mapLength = 4 * streams.Length;
        var map = new byte[6 + 4 + 2 + mapLength + 4];
        map[2] = 1;
        map[3] = 0xBC;
        BinaryPrimitives.WriteUInt16BigEndian(map.AsSpan(4), (ushort)(map.Length - 6));
        map[6] = 0xE0;
        map[7] = 0xFF;
        BinaryPrimitives.WriteUInt16BigEndian(map.AsSpan(10), (ushort)mapLength);
        for (var i = 0; i < streams.Length; i++)
        {
            map[12 + (4 * i)] = streams[i].Type;
            map[13 + (4 * i)] = streams[i].Id;
        }

        BinaryPrimitives.WriteUInt32BigEndian(map.AsSpan(map.Length - 4), Crc32Mpeg.Compute(map.AsSpan(0, map.Length - 4)));
        return map;
    }

    private static byte[] Pes(byte streamId, byte[] payload, long? pts, long? dts)
    {
        var withDts = pts is not null && dts is not null && dts != pts;
        var headerData = pts is null ? 0 : withDts ? 10 : 5;
        var pes = new byte[9 + headerData + payload.Length];
        pes[2] = 1;
        pes[3] = streamId;
        BinaryPrimitives.WriteUInt16BigEndian(pes.AsSpan(4), (ushort)(pes.Length - 6));
        pes[6] = 0x80;
        pes[7] = (byte)(pts is null ? 0 : withDts ? 0xC0 : 0x80);
        pes[8] = (byte)headerData;
        if (pts is { } p)
        {
            WriteTimestamp(pes.AsSpan(9), withDts ? 3 : 2, p);
            if (withDts)
            {
                WriteTimestamp(pes.AsSpan(14), 1, dts!.Value);
            }
        }

        payload.CopyTo(pes, 9 + headerData);
        return pes;
    }

    private static void WriteTimestamp(Span<byte> dest, int prefix, long value)
    {
        dest[0] = (byte)((prefix << 4) | (int)((value >> 29) & 0x0E) | 1);
        dest[1] = (byte)(value >> 22);
        dest[2] = (byte)(((value >> 14) & 0xFE) | 1);
        dest[3] = (byte)(value >> 7);
        dest[4] = (byte)(((value << 1) & 0xFE) | 1);
    }
}
