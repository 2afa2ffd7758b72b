using System.Globalization;
using System.Net.Sockets;
using System.Text;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Rtsp;

/// <summary>The server with RTSP accounts: ffprobe gets in with its user and password in the URL (Digest), not without.</summary>
public sealed class RtspAuthServerFixture : ServerFixture
{
    public int RtspPort { get; } = TestServers.FreeTcpPort();

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        settings["Gateway:RtspPort"] = RtspPort.ToString(CultureInfo.InvariantCulture);
        settings["Gateway:Rtsp:Users:alice"] = "s3cret";
    }
}

public sealed class RtspAuthTests(RtspAuthServerFixture server) : IClassFixture<RtspAuthServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(25);

    [Fact]
    public async Task Ffprobe_plays_with_its_account_and_is_refused_without()
    {
        var stream = "auth" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
        await Wait.UntilAsync(async () => !publisher.HasExited && await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("publish").GetProperty("active").GetBoolean(),
            TimeSpan.FromSeconds(45), "the RTMP publish");

        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", server.RtspPort);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"DESCRIBE rtsp://127.0.0.1:{server.RtspPort}/live/{stream} RTSP/1.0\r\nCSeq: 2\r\n\r\n"), SocketFlags.None);
            var reply = new byte[4096];
            using var timeout = new CancellationTokenSource(Deadline);
            var read = await socket.ReceiveAsync(reply, SocketFlags.None, timeout.Token);
            var text = Encoding.ASCII.GetString(reply, 0, read);
            Assert.StartsWith("RTSP/1.0 401 Unauthorized", text);
            Assert.Contains("WWW-Authenticate: Digest realm=\"OrleansLive\", nonce=\"", text);
        }

        var streams = await Ffmpeg.ProbeStreamsAsync($"rtsp://alice:s3cret@127.0.0.1:{server.RtspPort}/live/{stream}", Deadline);
        Assert.Contains(streams, s => s.GetProperty("codec_name").GetString() == "h264");
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("authenticated as alice", StringComparison.Ordinal));

        await using var wrong = ExternalProcess.Start("ffprobe", "-v", "error", "-show_streams", $"rtsp://alice:nope@127.0.0.1:{server.RtspPort}/live/{stream}");
        Assert.True(await wrong.WaitForExitAsync(Deadline), "ffprobe with a wrong password did not end");
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("401", wrong.StdErr);
    }
}
