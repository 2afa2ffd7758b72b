using System.Buffers;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;

namespace OrleansLive.UnitTests.Streams;

public sealed class TsIngestTests
{
    private static byte[] Corpus(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "TsDemuxer", name));

    /// <summary>An FLV file muxed to TS tag by tag, as an SRT encoder sends it, its audio sent
    /// <paramref name="audioLeadMs"/> ahead of the video of the same time (encoders' mux delays differ).</summary>
    /// <param name="shiftAudio">Also time the audio that much earlier (it starts before the video).</param>
    private static byte[] AsTs(string flv, int audioLeadMs, bool shiftAudio = false)
    {
        ReadOnlySpan<byte> data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "Flv", flv));
        Assert.True(FlvReader.TryReadFileHeader(ref data, out _, out _));
        var tags = new List<FlvTag>();
        while (FlvReader.TryReadTag(ref data, out var tag))
        {
            if (tag.Type is 8 or 9)
            {
                tags.Add(tag);
            }
        }
        var muxer = new TsMuxer();
        var ts = new ArrayBufferWriter<byte>();
        // Decoder configurations first, then the first keyframe, as the encoder starts with them.
        var keyframe = tags.First(t => t.Type == 9 && t.Data[1] == 1);
        // Shifted audio starts before the video; otherwise it is only sent ahead of the video of its time.
        long Time(FlvTag t) => t.Type == 8 && shiftAudio ? Math.Max(0, t.Timestamp - audioLeadMs) : t.Timestamp;
        long Order(FlvTag t) => t.Data[1] == 0 ? -2_000_000L : shiftAudio ? Time(t) : t == keyframe ? -1_000_000L : Time(t) - (t.Type == 8 ? audioLeadMs : 0);
        foreach (var tag in tags.OrderBy(Order))
        {
            muxer.Write(ts, FlvSampleHeaders.ToSample(tag.Type, Time(tag), tag.Data));
        }
        return ts.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_stream_whose_audio_completes_first_keeps_its_first_keyframe_and_starts_with_video()
    {
        // A video PES ends only when the next starts, so the demuxer completes the audio sent after
        // the first keyframe before the keyframe itself.
        var frames = new List<(bool Video, bool Header, bool Keyframe, uint Timestamp)>();
        var ingest = new TsIngest(f => frames.Add((f.IsVideo, f.IsSequenceHeader, f.IsKeyframe, f.Timestamp)));

        ingest.Push(AsTs("h264-aac.flv", audioLeadMs: 150));
        ingest.Flush();

        Assert.Equal(0, ingest.Unsupported);
        Assert.True(frames.Count > 10);
        Assert.True(frames[0].Video && frames[0].Header, "the video configuration comes first");
        Assert.True(!frames[1].Video && frames[1].Header, "then the audio configuration");
        Assert.True(frames[2].Video && frames[2].Keyframe, "then the first keyframe, at time 0");
        Assert.Equal(0u, frames[2].Timestamp);
        Assert.Equal(6, frames.Count(f => f.Video && !f.Header));
    }

    [Fact]
    public void Every_configuration_comes_before_media_when_audio_starts_before_video()
    {
        // The audio starts before the first keyframe: a recorder must know of the video track before
        // it meets the first audio frame.
        var frames = new List<(bool Video, bool Header, uint Timestamp)>();
        var ingest = new TsIngest(f => frames.Add((f.IsVideo, f.IsSequenceHeader, f.Timestamp)));

        ingest.Push(AsTs("h264-aac.flv", audioLeadMs: 200, shiftAudio: true));
        ingest.Flush();

        var firstMedia = frames.FindIndex(f => !f.Header);
        Assert.True(firstMedia >= 2);
        Assert.Contains(frames.Take(firstMedia), f => f.Video);
        Assert.Contains(frames.Take(firstMedia), f => !f.Video);
        Assert.False(frames[firstMedia].Video, "the audio, timed before the video, is the first media");
        Assert.Equal(6, frames.Count(f => f.Video && !f.Header));
    }

    [Fact]
    public void Held_audio_comes_out_at_the_end_of_the_input_when_no_video_configuration_came()
    {
        // The same program without its video packets (ffmpeg's video PID is 0x100): PAT and PMT still
        // announce video, which never configures.
        var ts = Corpus("h264-aac.ts");
        var audioOnly = new List<byte>();
        for (var i = 0; i + 188 <= ts.Length; i += 188)
        {
            if ((((ts[i + 1] & 0x1F) << 8) | ts[i + 2]) != 0x100)
            {
                audioOnly.AddRange(ts.AsSpan(i, 188).ToArray());
            }
        }
        var frames = new List<bool>();
        var ingest = new TsIngest(f => frames.Add(f.IsVideo));

        ingest.Push(audioOnly.ToArray());
        var beforeEnd = frames.Count;
        ingest.Flush();

        Assert.Equal(0, beforeEnd);
        Assert.True(frames.Count > 1);
        Assert.DoesNotContain(true, frames);
    }
}
