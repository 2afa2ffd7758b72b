using System.Text.Json;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests;

/// <summary>SRS's stream_caster mpegts_over_udp: ffmpeg sends MPEG-TS datagrams, the configured stream plays.</summary>
[Collection(MediaCollection.Name)]
public sealed class MpegTsUdpTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Mpegts_datagrams_publish_the_configured_stream_until_they_stop()
    {
        const string stream = MediaFixture.UdpCastStream;
        await using (var sender = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine",
            "-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-f", "mpegts", $"udp://127.0.0.1:{server.UdpCastPort}?pkt_size=1316"))
        {
            await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s
                && s.GetProperty("publish").GetProperty("active").GetBoolean()
                && s.GetProperty("video").ValueKind == JsonValueKind.Object && s.GetProperty("audio").ValueKind == JsonValueKind.Object, Deadline, "the caster's stream published");
            Assert.Equal("mpegts-publish", Assert.Single(await server.FindClientsAsync(stream)).GetProperty("type").GetString());
            var streams = await Ffmpeg.ProbeStreamsAsync(server.RtmpUrl("live", stream), Deadline);
            Assert.Equal(["aac", "h264"], streams.Select(s => s.GetProperty("codec_name").GetString()).Order());
            Assert.Equal(640, streams.Single(s => s.GetProperty("codec_type").GetString() == "video").GetProperty("width").GetInt32());
            sender.Kill();
        }
        // Two seconds without a datagram end the publish; the caster waits for the next one.
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is not { } s || !s.GetProperty("publish").GetProperty("active").GetBoolean(),
            Deadline, "the publish to end after the idle timeout");
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("MPEG-TS over UDP publish /live/udpcast ended", StringComparison.Ordinal));
    }
}
