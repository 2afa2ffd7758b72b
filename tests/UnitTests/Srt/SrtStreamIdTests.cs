using OrleansLive.GatewayEdge.Protocols.Srt;

namespace OrleansLive.UnitTests.Srt;

public class SrtStreamIdTests
{
    [Theory]
    [InlineData("#!::r=live/livestream,m=publish", "", "live", "livestream", SrtMode.Publish, "")]
    [InlineData("#!::r=live/livestream,m=request", "", "live", "livestream", SrtMode.Play, "")]
    [InlineData("#!::r=live/livestream", "", "live", "livestream", SrtMode.Play, "")]
    [InlineData("#!::m=PUBLISH,r=live/livestream", "", "live", "livestream", SrtMode.Publish, "")]
    [InlineData("#!::h=srs.example.com,r=app/stream,m=publish", "srs.example.com", "app", "stream", SrtMode.Publish, "")]
    [InlineData("#!::r=live/s,m=publish,token=abc,x=1", "", "live", "s", SrtMode.Publish, "token=abc&x=1")]
    [InlineData("#!::r=live/s&m=publish&token=abc", "", "live", "s", SrtMode.Publish, "token=abc")]
    [InlineData("#!::r=live/s;m=publish;token=abc", "", "live", "s", SrtMode.Publish, "token=abc")]
    [InlineData("#!::r=live/s?token=abc,m=publish", "", "live", "s", SrtMode.Publish, "token=abc")]
    [InlineData("#!::h=live/livestream,m=publish", "", "live", "livestream", SrtMode.Publish, "")]
    [InlineData("#!::h=live/livestream?secret=xxx,m=publish", "", "live", "livestream", SrtMode.Publish, "secret=xxx")]
    [InlineData("#!::h=srs.srt.com.cn/live/livestream,m=request", "srs.srt.com.cn", "live", "livestream", SrtMode.Play, "")]
    [InlineData("#!::r=live/s,,m=publish", "", "live", "s", SrtMode.Publish, "")]
    [InlineData("#!::r=s", "", "live", "s", SrtMode.Play, "")]
    [InlineData("#!::r=a/b/c", "", "a", "b/c", SrtMode.Play, "")]
    [InlineData("#!::r=live/s,token=a=b", "", "live", "s", SrtMode.Play, "token=a=b")]
    [InlineData("live/livestream", "", "live", "livestream", SrtMode.Play, "")]
    [InlineData("app/stream?token=abc&x=1", "", "app", "stream", SrtMode.Play, "token=abc&x=1")]
    [InlineData("livestream", "", "live", "livestream", SrtMode.Play, "")]
    public void ParsesSrsForms(string input, string vhost, string app, string stream, SrtMode mode, string param)
    {
        Assert.True(SrtStreamId.TryParse(input, out var id, out var reason), reason);
        Assert.Equal(new SrtStreamId(vhost, app, stream, mode, param), id);
        Assert.Equal("", reason);
    }

    [Fact]
    public void ResourceWinsOverOldStylePathInHost()
    {
        Assert.True(SrtStreamId.TryParse("#!::h=vh/old/path,r=live/new", out var id, out _));
        Assert.Equal(new SrtStreamId("vh", "live", "new", SrtMode.Play, ""), id);
    }

    [Fact]
    public void BareStreamUsesTheGivenDefaultApp()
    {
        Assert.True(SrtStreamId.TryParse("cam1", "studio", out var id, out _));
        Assert.Equal(new SrtStreamId("", "studio", "cam1", SrtMode.Play, ""), id);
        Assert.True(SrtStreamId.TryParse("#!::r=cam2,m=publish", "studio", out id, out _));
        Assert.Equal(new SrtStreamId("", "studio", "cam2", SrtMode.Publish, ""), id);
    }

    [Theory]
    [InlineData(null, "empty streamid")]
    [InlineData("", "empty streamid")]
    [InlineData("#!::r=live/,m=publish", "empty stream name")]
    [InlineData("#!::r=,m=publish", "empty stream name")]
    [InlineData("#!::r=/s", "empty app name")]
    [InlineData("live/", "empty stream name")]
    [InlineData("/", "empty app name")]
    [InlineData("?token=abc", "empty stream name")]
    [InlineData("#!::r=live/s,m=play", "unknown mode m=play (expected publish or request)")]
    [InlineData("#!::r=live/s,m=", "unknown mode m= (expected publish or request)")]
    [InlineData("#!::", "no resource: expected r=app/stream or h=app/stream")]
    [InlineData("#!::m=publish,token=abc", "no resource: expected r=app/stream or h=app/stream")]
    [InlineData("#!::h=vhost.example.com", "no resource: expected r=app/stream or h=app/stream")]
    [InlineData("#!::garbage", "malformed key=value pair 'garbage'")]
    [InlineData("#!::r=live/s,=x", "malformed key=value pair '=x'")]
    [InlineData("live/s\u0001", "streamid contains whitespace or control characters")]
    [InlineData("#!::r=live/s m=publish", "streamid contains whitespace or control characters")]
    public void RejectsWithAReason(string? input, string expected)
    {
        Assert.False(SrtStreamId.TryParse(input, out var id, out var reason));
        Assert.Null(id);
        Assert.Equal(expected, reason);
    }
}
