using OrleansLive.GatewayEdge.Protocols.WebRtc;

namespace OrleansLive.UnitTests.Rtc;

public class RtcSignallingTests
{
    [Theory]
    [InlineData("", null, "")]
    [InlineData("?", null, "")]
    [InlineData("?a=1&b=2", null, "?a=1&b=2")]
    [InlineData("", "secret", "?token=secret")]
    [InlineData("?a=1&b=2", "secret", "?a=1&b=2&token=secret")]
    [InlineData("a=1", "secret", "?a=1&token=secret")]
    [InlineData("?a=1&&b=2&", "secret", "?a=1&b=2&token=secret")]
    // The query's own token wins over the header's: hooks see one token.
    [InlineData("?token=fromquery&a=1", "fromheader", "?token=fromquery&a=1")]
    // A token is escaped, so it cannot add parameters of its own.
    [InlineData("?a=1", "x&vhost=evil b", "?a=1&token=x%26vhost%3Devil%20b")]
    public void ParamOf_keeps_the_query_and_adds_the_bearer_token(string query, string? bearer, string expected) =>
        Assert.Equal(expected, RtcSignalling.ParamOf(query, bearer));

    [Theory]
    [InlineData("webrtc://example.com/live/stream", "example.com", "live", "stream", "")]
    [InlineData("webrtc://127.0.0.1:1985/live/stream?token=x&vhost=v", "127.0.0.1", "live", "stream", "?token=x&vhost=v")]
    [InlineData("webrtc://h/a/b/stream", "h", "a/b", "stream", "")]
    [InlineData("webrtc://h/live/my%20stream", "h", "live", "my stream", "")]
    [InlineData("http://h:8080/live/s", "h", "live", "s", "")]
    [InlineData("https://h/live/s?x=1", "h", "live", "s", "?x=1")]
    public void TryParseStreamUrl_reads_host_app_stream_and_query(string url, string host, string app, string stream, string query)
    {
        Assert.True(RtcSignalling.TryParseStreamUrl(url, out var h, out var a, out var s, out var q));
        Assert.Equal((host, app, stream, query), (h, a, s, q));
    }

    [Theory]
    [InlineData("")]
    [InlineData("live/stream")]
    [InlineData("/live/stream")]
    [InlineData("webrtc://h")]
    [InlineData("webrtc://h/")]
    [InlineData("webrtc://h/stream")]
    [InlineData("webrtc://h/live/")]
    [InlineData("rtmp://h/live/stream")]
    [InlineData("ftp://h/live/stream")]
    [InlineData("not a url at all")]
    public void TryParseStreamUrl_refuses_what_names_no_app_and_stream(string url)
    {
        Assert.False(RtcSignalling.TryParseStreamUrl(url, out var host, out var app, out var stream, out var query));
        Assert.Equal(("", "", "", ""), (host, app, stream, query));
    }
}
