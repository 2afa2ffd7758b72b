using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Mp4;
using OrleansLive.Media.Samples;

namespace OrleansLive.UnitTests.MpegTs;

/// <summary>Streams made by ffmpeg, demuxed and checked against what ffprobe says, then remuxed to
/// fragmented MP4 from the built decoder configurations and decoded by ffmpeg.</summary>
public sealed class RealStreamTests : IDisposable
{
    private readonly FfmpegTool _ffmpeg = new();

    public void Dispose() => _ffmpeg.Dispose();

    [Theory]
    [InlineData("libx264", VideoCodecId.H264)]
    [InlineData("libx265", VideoCodecId.H265)]
    public void Ffmpeg_ts_demuxes_to_the_frames_ffprobe_counts_and_decodes_again(string encoder, VideoCodecId codec)
    {
        var ts = _ffmpeg.Generate("in.ts",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine",
            "-c:v", encoder, "-g", "12", "-bf", "2", "-c:a", "aac", "-t", "2", "-f", "mpegts");
        var probe = FfmpegTool.Packets(_ffmpeg.PathOf("in.ts"));

        var output = DemuxHarness.Run(ts);
        Assert.Equal(probe.Count(p => p.Stream == 0), output.Video.Count);
        Assert.Equal(probe.Count(p => p.Stream == 0 && p.Key), output.Video.Count(v => v.Header.IsKeyframe));
        Assert.Equal(probe.Count(p => p.Stream == 1), output.Audio.Count);
        Assert.All(output.Video, v => Assert.Equal(codec, v.Header.VideoCodec));
        Assert.True(output.Video[0].Header.IsKeyframe);
        Assert.Equal(0, output.Demuxer.Counters.ContinuityErrors + output.Demuxer.Counters.CorruptPes);

        // Timestamps: 25 fps video 40 ms apart in decode order; AAC 1024/44100 s apart.
        var dts = output.Video.Select(v => v.Dts).ToList();
        Assert.All(dts.Zip(dts.Skip(1)), pair => Assert.Equal(40, pair.Second - pair.First));
        Assert.Contains(output.Video, v => v.Header.CompositionTime > 0); // B-frames
        var audio = output.Audio.Select(a => a.Dts).ToList();
        Assert.All(audio.Zip(audio.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 23, 24));

        var mp4 = _ffmpeg.PathOf("out.mp4");
        File.WriteAllBytes(mp4, ToFragmentedMp4(output.Samples));
        var (code, _, stderr) = FfmpegTool.Run("ffmpeg", "-v", "error", "-i", mp4, "-f", "null", "-");
        Assert.True(code == 0 && stderr.Length == 0, stderr);
        var remuxed = FfmpegTool.Packets(mp4);
        Assert.Equal(output.Video.Count, remuxed.Count(p => p.Stream == 0));
        Assert.Equal(output.Audio.Count, remuxed.Count(p => p.Stream == 1));
    }

    [Fact]
    public void Ffmpeg_opus_in_ts_gives_an_opus_head_and_every_packet()
    {
        var ts = _ffmpeg.Generate("opus.ts",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-ac", "2", "-c:a", "libopus", "-t", "1", "-f", "mpegts");
        var probe = FfmpegTool.Packets(_ffmpeg.PathOf("opus.ts"));

        var output = DemuxHarness.Run(ts);
        var config = output.Configs.Single();
        Assert.True(OpusHead.TryParse(config.Data.Span, out var head));
        Assert.Equal(2, head.Channels);
        Assert.Equal(probe.Count, output.Audio.Count);
        Assert.All(output.Audio, a => Assert.Equal(AudioCodecId.Opus, a.Header.AudioCodec));
        Assert.All(output.Audio, a => Assert.Equal(960, OpusHead.PacketSamples(a.Data.Span)));
        var times = output.Audio.Select(a => a.Dts).ToList();
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.Equal(20, pair.Second - pair.First));
    }

    private static byte[] ToFragmentedMp4(List<MediaSample> samples)
    {
        Assert.True(Fmp4TrackConfig.TryFromVideo(samples.First(s => s.IsVideo && s.Header.IsConfig), out var video));
        Assert.True(Fmp4TrackConfig.TryFromAudio(samples.First(s => s.IsAudio && s.Header.IsConfig), out var audio));
        var output = new ArrayBufferWriter<byte>();
        Fmp4Writer.WriteInitSegment(output, video, audio);
        var fragments = new Fmp4FragmentWriter(video, audio);
        foreach (var sample in samples.Where(s => !s.Header.IsConfig).OrderBy(s => s.Dts))
        {
            if (sample.Header.IsKeyframe && fragments.PendingSamples > 0)
            {
                fragments.WriteFragment(output);
            }

            fragments.Add(sample);
        }

        fragments.WriteFragment(output);
        return output.WrittenSpan.ToArray();
    }
}
