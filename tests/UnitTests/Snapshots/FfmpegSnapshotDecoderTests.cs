using OrleansLive.GatewayEdge.Recording.Snapshots;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Snapshots;

/// <summary>The decoder against the real ffmpeg, on the 64x48 x264 and x265 keyframes of the test vectors.</summary>
public sealed class FfmpegSnapshotDecoderTests
{
    private readonly FfmpegSnapshotDecoder _decoder = new();

    private static byte[] Keyframe(VideoCodecId codec)
    {
        var (record, frame) = codec == VideoCodecId.H264 ? (AvcRecord, AvcFrames[0].Nalus) : (HevcRecord, HevcFrames[0].Nalus);
        Assert.True(VideoDecoderConfig.TryParse(codec, Hex(record), out var config));
        return KeyframeByteStream.Build(config, Hex(frame));
    }

    [Fact]
    public void The_arguments_read_raw_video_from_stdin_and_write_one_jpeg_to_stdout()
    {
        var args = FfmpegSnapshotDecoder.Arguments(VideoCodecId.H264, 0);
        Assert.Equal(["-f", "h264", "-i", "pipe:0"], args.SkipWhile(a => a != "-f").Take(4));
        Assert.DoesNotContain("-vf", args);
        Assert.Equal(["-f", "image2", "-c:v", "mjpeg", "-q:v", "3", "pipe:1"], args.TakeLast(7));

        var scaled = FfmpegSnapshotDecoder.Arguments(VideoCodecId.H265, 320);
        Assert.Equal(["-f", "hevc"], scaled.SkipWhile(a => a != "-f").Take(2));
        Assert.Equal(["-vf", "scale=320:-2"], scaled.SkipWhile(a => a != "-vf").Take(2));
    }

    [Theory]
    [InlineData(VideoCodecId.H264, 0, 64, 48)]
    [InlineData(VideoCodecId.H265, 0, 64, 48)]
    [InlineData(VideoCodecId.H264, 32, 32, 24)]
    public async Task A_keyframe_becomes_a_jpeg_of_its_size_or_the_scaled_width(VideoCodecId codec, int width, int expectedWidth, int expectedHeight)
    {
        var jpeg = await _decoder.DecodeAsync(Keyframe(codec), codec, new SnapshotSettings(Enabled: true, Width: width), CancellationToken.None);

        Assert.True(JpegHeader.TryReadSize(jpeg, out var w, out var h));
        Assert.Equal((expectedWidth, expectedHeight), (w, h));
        Assert.Equal([0xFF, 0xD9], jpeg[^2..]);
    }

    [Fact]
    public async Task Bytes_that_hold_no_picture_fail_with_the_reason()
    {
        var error = await Assert.ThrowsAsync<SnapshotDecodeException>(() =>
            _decoder.DecodeAsync([0, 0, 0, 1, 0x65, 0xFF, 0xFF, 0xFF], VideoCodecId.H264, new SnapshotSettings(Enabled: true), CancellationToken.None));
        Assert.Contains("ffmpeg exited", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_ffmpeg_fails_with_the_reason()
    {
        var settings = new SnapshotSettings(Enabled: true, Ffmpeg: "/nonexistent/ffmpeg");
        var error = await Assert.ThrowsAsync<SnapshotDecodeException>(() => _decoder.DecodeAsync(Keyframe(VideoCodecId.H264), VideoCodecId.H264, settings, CancellationToken.None));
        Assert.Contains("did not start", error.Message, StringComparison.Ordinal);
    }
}
