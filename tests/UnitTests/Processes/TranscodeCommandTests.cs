using OrleansLive.GatewayEdge.Processes;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.UnitTests.Processes;

public sealed class TranscodeCommandTests
{
    private const string Output = "rtmp://127.0.0.1:[port]/[app]/[stream]_[engine]?vhost=[vhost]";

    private static readonly StreamAddress Source = new("v.test", "live", "cam", "?token=1");

    private static TranscodeEngineSettings Engine(string name = "480", string video = "libx264", string audio = "aac", int width = 320, int height = 180,
        string output = Output, string extra = "") =>
        new(name, video, 300, width, height, 0, "", "ultrafast", audio, 64, output, extra);

    private static TranscodeSettings Transcode(string app = "", params TranscodeEngineSettings[] engines) => new(app, "/usr/bin/ffmpeg", engines);

    [Fact]
    public void An_encoding_engine_reads_the_local_stream_with_its_timestamps_and_keeps_the_source_keyframes()
    {
        Assert.Equal(
            ["/usr/bin/ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-copyts", "-i", "rtmp://127.0.0.1:1935/live/cam?vhost=v.test",
                "-c:v", "libx264", "-vf", "scale=320:180", "-b:v", "300k", "-maxrate", "300k", "-bufsize", "600k", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-force_key_frames", "source", "-sc_threshold", "0",
                "-c:a", "aac", "-b:a", "64k", "-threads", "2", "-f", "flv", "rtmp://127.0.0.1:1935/live/cam_480?vhost=v.test"],
            TranscodeCommand.Argv(Transcode("", Engine(extra: "-threads 2")), Engine(extra: "-threads 2"), Source, 1935));
    }

    [Fact]
    public void Copy_and_dropped_tracks_take_no_encoder_options_and_one_side_keeps_the_aspect_ratio()
    {
        var audioOnly = Engine("audio", video: "vn", audio: "copy");
        Assert.Equal(["-vn", "-c:a", "copy", "-f", "flv"], TranscodeCommand.Argv(Transcode("", audioOnly), audioOnly, Source, 1935).Skip(8).Take(5));
        var videoOnly = Engine("copy", video: "copy", audio: "an");
        Assert.Equal(["-c:v", "copy", "-an", "-f", "flv"], TranscodeCommand.Argv(Transcode("", videoOnly), videoOnly, Source, 1935).Skip(8).Take(5));
        var tall = Engine(width: 0, height: 360);
        Assert.Contains("scale=-2:360", TranscodeCommand.Argv(Transcode("", tall), tall, Source, 1935));
        var same = Engine(width: 0, height: 0);
        Assert.DoesNotContain("-vf", TranscodeCommand.Argv(Transcode("", same), same, Source, 1935));
        Assert.Equal("rtmp://127.0.0.1:1935/live/cam",
            TranscodeCommand.Input(new StreamAddress(StreamKey.DefaultVhost, "live", "cam", ""), 1935));
    }

    [Theory]
    [InlineData("", "live", "cam", true)]
    [InlineData("live", "live", "cam", true)]
    [InlineData("live", "other", "cam", false)]
    [InlineData("live/cam", "live", "cam", true)]
    [InlineData("live/cam", "live", "cam2", false)]
    [InlineData("", "live", "cam_480", false)]
    [InlineData("", "live", "cam_720", false)]
    [InlineData("", "live", "cam_4800", true)]
    public void Applies_to_streams_of_its_scope_that_are_not_renditions(string app, string streamApp, string stream, bool applies) =>
        Assert.Equal(applies, TranscodeCommand.Applies(Transcode(app, Engine("480"), Engine("720")), streamApp, stream));

    [Theory]
    [InlineData(Output, "v.test/live/cam_480")]
    [InlineData("rtmp://127.0.0.1:[port]/[app]?vhost=[vhost]/[stream]_[engine]", "v.test/live/cam_480")]
    [InlineData("rtmp://127.0.0.1:[port]/abr/[engine]/[stream]", "v.test/abr/480/cam")]
    public void The_rendition_stream_is_read_from_the_output(string output, string key) =>
        Assert.Equal(key, TranscodeCommand.OutputStream(Engine(output: output), Source, 1935, new HashSet<string> { "v.test" })?.Key);

    [Fact]
    public void An_output_that_is_not_rtmp_names_no_stream() =>
        Assert.Null(TranscodeCommand.OutputStream(Engine(output: "srt://127.0.0.1:10080?streamid=x"), Source, 1935, new HashSet<string>()));
}
