using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.UnitTests;

public sealed class StreamAddressTests
{
    private static readonly HashSet<string> Known = ["__defaultVhost__", "live.example.com"];

    [Theory]
    [InlineData("rtmp://127.0.0.1:1935/live", "127.0.0.1")]
    [InlineData("rtmp://live.example.com/live?x=1", "live.example.com")]
    [InlineData("rtmp://[::1]:1935/live", "::1")]
    [InlineData("live.example.com", "live.example.com")]
    public void Host_comes_from_the_tc_url(string tcUrl, string host) => Assert.Equal(host, StreamAddress.HostOf(tcUrl));

    [Fact]
    public void Unknown_vhost_falls_back_to_the_default_one()
    {
        var a = StreamAddress.Resolve("10.0.0.1", "live", "livestream", Known);
        Assert.Equal(("__defaultVhost__", "live", "livestream", ""), (a.Vhost, a.App, a.Stream, a.Param));
        Assert.Equal("/live/livestream", a.Url);
        Assert.Equal("__defaultVhost__/live/livestream", a.Key);
    }

    [Fact]
    public void Configured_vhost_is_taken_from_the_host_or_a_vhost_query()
    {
        Assert.Equal("live.example.com", StreamAddress.Resolve("live.example.com", "live", "s", Known).Vhost);
        Assert.Equal("live.example.com", StreamAddress.Resolve("127.0.0.1", "live?vhost=live.example.com", "s", Known).Vhost);
        var a = StreamAddress.Resolve("127.0.0.1", "live", "s?token=abc&vhost=live.example.com", Known);
        Assert.Equal(("live.example.com", "s", "?token=abc&vhost=live.example.com"), (a.Vhost, a.Stream, a.Param));
        Assert.Equal("live.example.com/live/s", a.Url);
    }

    [Fact]
    public void Stream_parameters_are_split_off_the_name()
    {
        var a = StreamAddress.Resolve("h", "/live/", "/cam1?key=1", Known);
        Assert.Equal(("live", "cam1", "?key=1"), (a.App, a.Stream, a.Param));
    }
}
