using OrleansLive.GatewayEdge.Processes;
using OrleansLive.Interfaces;

namespace OrleansLive.UnitTests.Processes;

public sealed class IngestCommandTests
{
    private static IngestSettings Ingest(string type = "file", string output = "rtmp://127.0.0.1:[port]/[app]/[stream]?vhost=[vhost]") =>
        new("cam", type, "/media/in.mp4", "ffmpeg", "-c copy -f flv", output, "live", "cam1");

    [Fact]
    public void File_is_read_at_its_pace_and_looped_and_pushed_to_the_expanded_output()
    {
        Assert.Equal(
            ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning", "-re", "-stream_loop", "-1", "-i", "/media/in.mp4", "-c", "copy", "-f", "flv",
                "rtmp://127.0.0.1:1935/live/cam1?vhost=v.test"],
            IngestCommand.Argv(Ingest(), "v.test", 1935));
        Assert.DoesNotContain("-re", IngestCommand.Argv(Ingest("stream"), "v.test", 1935));
    }

    [Theory]
    [InlineData("rtmp://127.0.0.1:[port]/[app]/[stream]?vhost=[vhost]", "v.test/live/cam1")]
    [InlineData("rtmp://127.0.0.1:[port]/app2?vhost=[vhost]/other", "v.test/app2/other")]
    [InlineData("rtmp://127.0.0.1:[port]/app2/other?vhost=unknown", "__defaultVhost__/app2/other")]
    [InlineData("srt://127.0.0.1:10080?streamid=x", "v.test/live/cam1")]
    public void Target_stream_is_read_from_the_output(string output, string key) =>
        Assert.Equal(key, IngestCommand.StreamKeyOf(Ingest(output: output), "v.test", 1935, new HashSet<string> { "v.test" }));
}
