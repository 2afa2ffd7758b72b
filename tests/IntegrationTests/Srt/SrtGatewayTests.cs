using System.Globalization;
using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.IntegrationTests.Srt;

/// <summary>
/// SRT on the real server with the tools users run: ffmpeg publishing MPEG-TS over SRT with SRS's
/// streamids, and every other protocol playing it; an RTMP publish played over SRT.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class SrtGatewayTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private string Srt(string streamId) => $"srt://127.0.0.1:{server.SrtPort}?streamid={streamId}&pkt_size=1316";

    /// <summary>ffmpeg publishing the 640x360 pattern and a sine as H.264 (or another codec) + AAC in MPEG-TS.</summary>
    internal static ExternalProcess PublishTs(string url, string videoCodec = "libx264", double seconds = 0)
    {
        var args = new List<string>
        {
            "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        };
        if (seconds > 0)
        {
            args.AddRange(["-t", seconds.ToString(CultureInfo.InvariantCulture)]);
        }
        args.AddRange(["-c:v", videoCodec, "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p"]);
        if (videoCodec == "libx265")
        {
            args.AddRange(["-x265-params", "log-level=error"]);
        }
        args.AddRange(["-c:a", "aac", "-b:a", "64k", "-f", "mpegts", url]);
        return ExternalProcess.Start("ffmpeg", [.. args]);
    }

    internal static void AssertH264AndAac(JsonElement[] streams)
    {
        var video = Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "video");
        Assert.Equal("h264", video.GetProperty("codec_name").GetString());
        Assert.Equal(640, video.GetProperty("width").GetInt32());
        Assert.Equal(360, video.GetProperty("height").GetInt32());
        Assert.Equal("aac", Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "audio").GetProperty("codec_name").GetString());
    }

    private async Task WaitForCodecsAsync(string stream, string video)
    {
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s
            && s.GetProperty("video").ValueKind == JsonValueKind.Object && s.GetProperty("video").GetProperty("codec").GetString() == video
            && s.GetProperty("audio").ValueKind == JsonValueKind.Object, Deadline, $"{stream} published with {video} and audio");
    }

    [Fact]
    public async Task An_srt_publish_plays_over_rtmp_flv_ts_hls_and_srt_and_is_recorded()
    {
        var stream = "srtin" + Ids.Random(5);
        var vhost = MediaFixture.FullVhost;
        await using (var publisher = PublishTs(Srt($"#!::h={vhost},r=live/{stream},m=publish")))
        {
            await WaitForCodecsAsync(stream, "H264");
            var clients = await server.FindClientsAsync(stream);
            var publishing = Assert.Single(clients);
            Assert.Equal("srt-publish", publishing.GetProperty("type").GetString());
            await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Single().GetProperty("recv_bytes").GetInt64() > 50_000, Deadline, "live byte counters");

            AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(server.RtmpUrl("live", stream, vhost), Deadline));
            AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(server.HttpUrl($"live/{stream}.flv", vhost), Deadline));
            AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(server.HttpUrl($"live/{stream}.ts", vhost), Deadline));
            AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(Srt($"#!::h={vhost},r=live/{stream},m=request"), Deadline));
            var m3u8 = Path.Combine(server.HlsRoot(vhost), "live", stream + ".m3u8");
            await Wait.UntilAsync(() => File.Exists(m3u8) && MediaTools.Segments(File.ReadAllText(m3u8)).Count >= 2, Deadline, "two HLS segments");
            AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(m3u8, Deadline));
            publisher.Kill();
        }

        // The DVR file of the publish, closed when the SRT publisher went away, holds both tracks.
        var dvr = Path.Combine(server.DvrRoot(vhost), vhost, "live");
        await Wait.UntilAsync(() => Directory.Exists(dvr) && Directory.EnumerateFiles(dvr, stream + ".*.flv").Any(), Deadline, "the DVR file");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is not { } s || !s.GetProperty("publish").GetProperty("active").GetBoolean(), Deadline, "unpublish");
        var recorded = await MediaTools.ProbeAsync(Directory.EnumerateFiles(dvr, stream + ".*.flv").Single());
        Assert.Equal(["aac", "h264"], recorded.Codecs.Order());
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains($"SRT publish {vhost}/live/{stream} started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_rtmp_publish_plays_over_srt_from_a_keyframe_and_is_listed_as_srt_play()
    {
        var stream = "srtout" + Ids.Random(5);
        await using var publisher = MediaTools.Publish(server.RtmpUrl("live", stream), 0);
        await WaitForCodecsAsync(stream, "H264");

        await using var player = Ffmpeg.Play(Srt($"#!::r=live/{stream},m=request"), seconds: 4);
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Any(c => c.GetProperty("type").GetString() == "srt-play"), Deadline, "the SRT player listed");
        Assert.True(await player.WaitForExitAsync(Deadline), "the SRT player should finish its 4 s");
        Assert.Equal(0, player.ExitCode);
        Assert.True(Ffmpeg.FramesDecoded(player.StdErr) >= 75, player.StdErr);
        // The player started on a keyframe from the GOP cache: no picture referenced a frame it lacked.
        Assert.DoesNotContain("non-existing PPS", player.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("decode_slice_header error", player.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("error while decoding", player.StdErr, StringComparison.Ordinal);
        await Wait.UntilAsync(async () => !(await server.FindClientsAsync(stream)).Any(c => c.GetProperty("type").GetString() == "srt-play"), Deadline, "the SRT player gone");
    }

    [Fact]
    public async Task Srt_live_transmit_plays_an_rtmp_publish_from_the_gateway()
    {
        var stream = "slt" + Ids.Random(5);
        var file = Path.Combine(Path.GetTempPath(), $"slt-{Guid.NewGuid():N}.ts");
        try
        {
            await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream));
            await WaitForCodecsAsync(stream, "H264");
            // srt-live-transmit relays what it plays to a UDP port this test reads (its file target is stdout only).
            using var udp = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            var udpPort = ((System.Net.IPEndPoint)udp.Client.LocalEndPoint!).Port;
            await using (var player = ExternalProcess.Start("srt-live-transmit", "-a:no", "-loglevel:error",
                $"srt://127.0.0.1:{server.SrtPort}?streamid=#!::r=live/{stream},m=request", $"udp://127.0.0.1:{udpPort}"))
            {
                await using var output = File.Create(file);
                using var deadline = new CancellationTokenSource(Deadline);
                while (output.Length < 400_000)
                {
                    var datagram = await udp.ReceiveAsync(deadline.Token);
                    Assert.Equal(0x47, datagram.Buffer[0]);
                    output.Write(datagram.Buffer);
                }
                Assert.Contains(await server.FindClientsAsync(stream), c => c.GetProperty("type").GetString() == "srt-play");
            }
            AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(file, Deadline));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Hevc_over_srt_plays_over_hls_ts_and_srt_and_reaches_flv_players_as_enhanced_rtmp()
    {
        var stream = "srthevc" + Ids.Random(5);
        await using var publisher = PublishTs(Srt($"#!::r=live/{stream},m=publish"), "libx265");
        await WaitForCodecsAsync(stream, "HEVC");

        foreach (var url in new[] { server.HttpUrl($"live/{stream}.ts"), Srt($"#!::r=live/{stream},m=request") })
        {
            var streams = await Ffmpeg.ProbeStreamsAsync(url, Deadline);
            Assert.Equal("hevc", Assert.Single(streams, s => s.GetProperty("codec_type").GetString() == "video").GetProperty("codec_name").GetString());
        }
        var m3u8 = Path.Combine(server.HlsRoot(StreamKey.DefaultVhost), "live", stream + ".m3u8");
        await Wait.UntilAsync(() => File.Exists(m3u8) && MediaTools.Segments(File.ReadAllText(m3u8)).Count >= 1, Deadline, "an HLS segment");
        Assert.Contains("hevc", (await MediaTools.ProbeAsync(m3u8)).Codecs);

        // HTTP-FLV: an Enhanced RTMP hvc1 sequence start, then coded frames (Debian's ffprobe 5.1 predates E-RTMP).
        using var http = new HttpClient { Timeout = Deadline };
        await using var body = await http.GetStreamAsync(server.HttpUrl($"live/{stream}.flv"));
        var buffer = new byte[256 * 1024];
        var length = 0;
        while (length < buffer.Length && (length < 64 * 1024 || !HasHevcFrames(buffer.AsSpan(0, length))))
        {
            var read = await body.ReadAsync(buffer.AsMemory(length)).AsTask().WaitAsync(Deadline);
            Assert.True(read > 0, "the FLV stream ended early");
            length += read;
        }
        Assert.True(HasHevcFrames(buffer.AsSpan(0, length)), "no Enhanced RTMP HEVC in the FLV stream");
    }

    private static bool HasHevcFrames(ReadOnlySpan<byte> flv)
    {
        if (!FlvReader.TryReadFileHeader(ref flv, out _, out _))
        {
            return false;
        }
        var (config, keyframe) = (false, false);
        while (FlvReader.TryReadTag(ref flv, out var tag))
        {
            var header = FlvSampleHeaders.Read(tag.Type, tag.Data);
            config |= header.IsVideo && header.IsConfig && header.VideoCodec == Media.Codecs.VideoCodecId.H265 && FlvVideo.FourCC(tag.Data) == FlvFourCC.Hvc1;
            keyframe |= config && header.IsKeyframe && header.VideoCodec == Media.Codecs.VideoCodecId.H265;
        }
        return config && keyframe;
    }

    [Fact]
    public async Task Bad_streamids_and_a_second_publisher_are_refused_with_a_log_line()
    {
        var stream = "srtbusy" + Ids.Random(5);
        await using var bad = PublishTs(Srt($"#!::r=live/{stream},m=bogus"), seconds: 2);
        Assert.True(await bad.WaitForExitAsync(Deadline));
        Assert.NotEqual(0, bad.ExitCode);
        await Wait.UntilAsync(() => server.Logs.Lines.Any(l => l.Message.Contains("bad streamid", StringComparison.Ordinal) && l.Message.Contains("bogus", StringComparison.Ordinal)), Deadline, "the refusal logged");

        await using var first = PublishTs(Srt($"#!::r=live/{stream},m=publish"));
        await WaitForCodecsAsync(stream, "H264");
        await using var second = PublishTs(Srt($"#!::r=live/{stream},m=publish"), seconds: 10);
        await Wait.UntilAsync(() => server.Logs.Lines.Any(l => l.Message.Contains($"SRT publish /live/{stream} refused", StringComparison.Ordinal)), Deadline, "the second publisher refused");
        Assert.True(await second.WaitForExitAsync(Deadline), "the refused publisher is closed");
        // The first publish goes on.
        AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(server.FlvUrl("live", stream), Deadline));
    }
}
