using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests;

/// <summary>Bad input on the HTTP stream listener gets an error status or a closed connection, nothing more.</summary>
[Collection(ServerCollection.Name)]
public sealed class HttpBadInputTests(ServerFixture server)
{
    [Theory]
    [InlineData("/live/test.mp4")]
    [InlineData("/test.flv")]
    [InlineData("/live/.flv")]
    [InlineData("/")]
    public async Task Paths_that_name_no_stream_get_404(string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync($"http://127.0.0.1:{server.HttpPort}{path}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Garbage_instead_of_http_is_closed_and_the_listener_keeps_serving()
    {
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(IPAddress.Loopback, server.HttpPort);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("\x16\x03\x01 not http at all\r\n\r\n"));
            var buffer = new byte[4096];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                total += read;
            }
            Assert.True(total > 0, "the listener should answer 400 before closing");
            Assert.StartsWith("HTTP/1.1 400", Encoding.ASCII.GetString(buffer, 0, Math.Min(total, buffer.Length)), StringComparison.Ordinal);
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var ok = await http.GetAsync($"http://127.0.0.1:{server.HttpPort}/nothing/here.mp4");
        Assert.Equal(HttpStatusCode.NotFound, ok.StatusCode);
    }
}
