using OrleansLive.Media.Rtsp;

namespace OrleansLive.UnitTests.Rtsp;

public class RtspUrlTests
{
    [Theory]
    [InlineData("rtsp://127.0.0.1:8554/live/s", "127.0.0.1", "live", "s", "", -1)]
    [InlineData("rtsp://127.0.0.1/live/s/", "127.0.0.1", "live", "s", "", -1)]
    [InlineData("rtsp://h/live/s/trackID=1", "h", "live", "s", "", 1)]
    [InlineData("rtsp://h/live/s?vhost=v1", "h", "live", "s", "?vhost=v1", -1)]
    [InlineData("rtsp://h/live/s?vhost=v1/streamid=0", "h", "live", "s", "?vhost=v1", 0)]
    [InlineData("rtsp://h/live/s/trackID=0?vhost=v1", "h", "live", "s", "?vhost=v1", 0)]
    [InlineData("rtsp://user:pass@cam.example:554/a/b/c", "cam.example", "a/b", "c", "", -1)]
    [InlineData("rtsp://[::1]:8554/live/s", "[::1]", "live", "s", "", -1)]
    public void Reads_app_stream_query_and_track(string text, string host, string app, string stream, string query, int track)
    {
        Assert.True(RtspUrl.TryParse(text, out var url));
        Assert.Equal(new RtspUrl(host, app, stream, query, track), url);
    }

    [Theory]
    [InlineData("http://h/live/s")]
    [InlineData("rtsp://h/live")]
    [InlineData("rtsp://h/")]
    [InlineData("*")]
    public void Refuses_urls_without_app_and_stream(string text) => Assert.False(RtspUrl.TryParse(text, out _));

    [Theory]
    [InlineData("trackID=1", 1)]
    [InlineData("streamid=0", 0)]
    [InlineData("rtsp://h/live/s/trackID=1", 1)]
    [InlineData("video", -1)]
    public void Finds_the_track_of_a_control(string control, int track) => Assert.Equal(track, RtspUrl.TrackOf(control));
}
