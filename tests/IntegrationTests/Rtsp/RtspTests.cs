using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Rtsp;

/// <summary>
/// ffmpeg and ffprobe as RTSP clients: an RTMP publish plays over RTSP (TCP interleaved and UDP), an
/// RTSP publish (ffmpeg -f rtsp over TCP and UDP, with B-frames) plays over HTTP-FLV, and bad input
/// closes only the connection that sent it.
/// </summary>
public sealed class RtspTests(RtspServerFixture server) : IClassFixture<RtspServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(25);

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Rtmp_publish_plays_over_rtsp(string transport)
    {
        var stream = "rtsp" + transport + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await WaitForPublishingAsync(stream, publisher);
        var url = server.RtspUrl("live", stream);

        await using (var probe = ExternalProcess.Start("ffprobe", "-v", "error", "-rtsp_transport", transport, "-show_streams", "-of", "json", url))
        {
            Assert.True(await probe.WaitForExitAsync(Deadline), $"ffprobe did not finish: {probe.StdErr}");
            Assert.True(probe.ExitCode == 0, probe.StdErr);
            using var json = JsonDocument.Parse(probe.StdOut);
            var streams = json.RootElement.GetProperty("streams").EnumerateArray().ToList();
            var video = Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "video");
            var audio = Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "audio");
            Assert.Equal("h264", video.GetProperty("codec_name").GetString());
            Assert.Equal((640, 360), (video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32()));
            Assert.Equal("aac", audio.GetProperty("codec_name").GetString());
            Assert.Equal("44100", audio.GetProperty("sample_rate").GetString());
        }

        await using var player = ExternalProcess.Start("ffmpeg", "-hide_banner", "-nostdin", "-rtsp_transport", transport, "-i", url, "-frames:v", "30", "-f", "null", "-");
        Assert.True(await player.WaitForExitAsync(Deadline), $"ffmpeg did not finish: {player.StdErr}");
        Assert.True(player.ExitCode == 0, player.StdErr);
        Assert.True(Ffmpeg.FramesDecoded(player.StdErr) >= 30, player.StdErr);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task Rtsp_publish_plays_over_http_flv_and_is_listed(string transport)
    {
        var stream = "rtsppub" + transport + Ids.Random(5);
        await using var publisher = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "25",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
            "-f", "rtsp", "-rtsp_transport", transport, server.RtspUrl("live", stream));
        await WaitForPublishingAsync(stream, publisher);

        var clients = await server.FindClientsAsync(stream);
        Assert.Contains(clients, c => c.GetProperty("type").GetString() == "rtsp-publish" && c.GetProperty("publish").GetBoolean());

        var streams = await Ffmpeg.ProbeStreamsAsync(server.FlvUrl("live", stream), Deadline);
        var video = Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "video");
        Assert.Equal("h264", video.GetProperty("codec_name").GetString());
        Assert.Equal((320, 240), (video.GetProperty("width").GetInt32(), video.GetProperty("height").GetInt32()));
        var audio = Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "audio");
        Assert.Equal("aac", audio.GetProperty("codec_name").GetString());
        Assert.Equal("48000", audio.GetProperty("sample_rate").GetString());

        // libx264's B-frames arrive with presentation times only: the decode times rebuilt must rise.
        await using var player = ExternalProcess.Start("ffmpeg", "-hide_banner", "-nostdin", "-i", server.FlvUrl("live", stream), "-frames:v", "50", "-f", "null", "-");
        Assert.True(await player.WaitForExitAsync(Deadline), $"ffmpeg did not finish: {player.StdErr}");
        Assert.True(player.ExitCode == 0, player.StdErr);
        Assert.True(Ffmpeg.FramesDecoded(player.StdErr) >= 50, player.StdErr);
        Assert.DoesNotContain("non monotonically increasing dts", player.StdErr);
        Assert.DoesNotContain("out of order", player.StdErr);
    }

    [Fact]
    public async Task Bad_input_closes_only_its_connection()
    {
        string[] bad =
        [
            "OPTIONS rtsp://127.0.0.1/live/s RTSP/1.0\r\nUser-Agent: no-cseq\r\n\r\n",
            "OPTIONS rtsp://127.0.0.1/live/s RTSP/1.0\r\nCSeq: 1\r\nX-Huge: " + new string('x', 20_000),
            "$\u0007\u0000\u0004abcd",
            "\u0000\u0001\u0002 garbage \u00ff\u00fe",
        ];
        foreach (var input in bad)
        {
            using var socket = await ConnectAsync();
            await socket.SendAsync(Encoding.Latin1.GetBytes(input), SocketFlags.None);
            await ReadUntilClosedAsync(socket);
        }

        using var good = await ConnectAsync();
        await good.SendAsync("OPTIONS rtsp://127.0.0.1/live/s RTSP/1.0\r\nCSeq: 7\r\n\r\n"u8.ToArray(), SocketFlags.None);
        var reply = await ReadReplyAsync(good);
        Assert.StartsWith("RTSP/1.0 200 OK\r\nCSeq: 7\r\n", reply);
        Assert.Contains("Public: OPTIONS, DESCRIBE, SETUP, PLAY", reply);

        var logs = server.Logs.Lines.Select(l => l.Message).ToList();
        Assert.Contains(logs, l => l.Contains("request without CSeq", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("request head over", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("on channel 7, which no SETUP gave", StringComparison.Ordinal));
        Assert.Contains(logs, l => l.Contains("control byte", StringComparison.Ordinal));
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", server.RtspPort);
        return socket;
    }

    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Reset by the server: closed too.
        }
    }

    private static async Task<string> ReadReplyAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Deadline);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.True(read > 0, "closed before the reply: " + text);
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return text.ToString();
    }

    private async Task WaitForPublishingAsync(string stream, ExternalProcess publisher) =>
        await Wait.UntilAsync(async () =>
        {
            if (publisher.HasExited)
            {
                throw new InvalidOperationException("publisher exited: " + publisher.StdErr);
            }
            return await server.FindStreamAsync("live", stream) is { } found && found.GetProperty("publish").GetProperty("active").GetBoolean()
                && found.GetProperty("video").ValueKind == JsonValueKind.Object && found.GetProperty("audio").ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(45), $"stream {stream} to be published with video and audio");
}
