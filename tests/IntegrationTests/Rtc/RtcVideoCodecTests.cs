using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using OrleansLive.Media.Samples;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// VP8, VP9 and AV1 carried WebRTC to WebRTC: headless Chromium publishes with only that codec offered
/// (WHIP) and another page plays it (WHEP) with the same codec; the same stream goes to RTMP and
/// HTTP-FLV players as Enhanced RTMP vp08/vp09/av01 tags, opening with the configuration and a
/// keyframe, and to HTTP-TS players without its video (MPEG-TS here carries H.264 and H.265 only).
/// An Enhanced RTMP AV1 publish plays over WHEP too. A player that does not offer the stream's codec is refused.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RtcVideoCodecTests(ServerFixture server, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public Task A_vp8_whip_publish_plays_over_whep_in_vp8_and_goes_to_flv_players() => PublishAndPlayAsync("VP8", "vp08");

    [Fact]
    public Task A_vp9_whip_publish_plays_over_whep_in_vp9_and_goes_to_flv_players() => PublishAndPlayAsync("VP9", "vp09");

    [Fact]
    public Task An_av1_whip_publish_plays_over_whep_in_av1_and_its_flv_frames_decode() => PublishAndPlayAsync("AV1", "av01", async stream =>
    {
        // The stream's size comes from the sequence header in its av1C.
        var video = (await server.FindStreamAsync("live", stream))!.Value.GetProperty("video");
        Assert.Equal(640, video.GetProperty("width").GetInt32());
        Assert.Equal(360, video.GetProperty("height").GetInt32());

        // The temporal units Chromium sent, as HTTP-FLV carries them, decode in ffmpeg (dav1d): each
        // frame behind a temporal delimiter makes the low-overhead OBU stream ffmpeg reads.
        var tags = await ReadVideoTagsAsync(server.FlvUrl("live", stream), count: 40);
        var path = Path.Combine(Path.GetTempPath(), $"av1-{stream}.obu");
        try
        {
            await File.WriteAllBytesAsync(path, [.. tags.Skip(1).SelectMany(t => (byte[])[0x12, 0x00, .. t.AsSpan(5)])]);
            await using var probe = ExternalProcess.Start("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", path);
            Assert.True(await probe.WaitForExitAsync(Deadline), probe.StdErr);
            output.WriteLine($"ffprobe of the FLV frames: {probe.StdOut.Trim()} {probe.StdErr.Trim()}");
            Assert.Equal("av1,640,360,39", probe.StdOut.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    });

    [Fact]
    public async Task An_enhanced_rtmp_av1_publish_plays_over_whep_in_av1_with_the_sequence_header_from_its_av1c()
    {
        var stream = "rtmpav1" + Ids.Random(5);
        var units = await EncodeAv1Async(seconds: 6, fps: 15);
        var record = Av1Config.Build(units[0]) ?? throw new InvalidOperationException("no sequence header");
        var sequenceHeader = Av1Config.SequenceHeaderObu(record).ToArray();
        // As an encoder may send them: the sequence header in the av1C only, not in the keyframes.
        var frames = units.Select(u => (Key: Av1Obu.IsKeyframe(u), Data: Av1Obu.IsKeyframe(u) ? u[sequenceHeader.Length..] : u)).ToList();
        Assert.True(frames.Count(f => f.Key) >= 3);

        using var stop = new CancellationTokenSource();
        await using var rtmp = await RtmpClient.ConnectAsync(new RtmpUrl("127.0.0.1", server.RtmpPort, "live", stream), 4096, 8 << 20, stop.Token);
        await rtmp.PublishAsync(stop.Token);
        var publishing = Task.Run(async () =>
        {
            await SendAsync(rtmp, new SampleHeader(MediaKind.Video, VideoCodecId.Av1, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0), 0, record, stop.Token);
            // In real time, round and round, the clock running on.
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(1000 / 15));
            for (var i = 0; await tick.WaitForNextTickAsync(stop.Token); i++)
            {
                var (key, data) = frames[i % frames.Count];
                await SendAsync(rtmp, new SampleHeader(MediaKind.Video, VideoCodecId.Av1, AudioCodecId.Unknown, SamplePart.Frame, key, 0, 0), i * 1000L / 15, data, stop.Token);
            }
        });
        try
        {
            await WaitForCodecAsync(stream, "AV1");
            await using var page = await RtcTestPage.StartAsync();
            await using var browser = await HeadlessChromium.LaunchAsync();
            var player = await browser.OpenAsync(page.Url);
            await player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), "AV1");
            Assert.Contains(" AV1/90000", await player.EvaluateExpressionAsync<string>("window.answer"));
            await Wait.UntilAsync(async () =>
            {
                var stats = await WebRtcBrowserTests.StatsAsync(player);
                return stats.GetProperty("width").GetInt32() == 320 && WebRtcBrowserTests.Inbound(stats, "video", "frames") > 45;
            }, Deadline, "the WHEP player decoding the RTMP publisher's AV1");
            output.WriteLine($"AV1 WHEP player of an RTMP publish: {await WebRtcBrowserTests.StatsAsync(player)}");
            Assert.Equal(200, await player.EvaluateFunctionAsync<int>("stop"));
        }
        finally
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publishing);
        }
    }

    private static async Task SendAsync(RtmpClient rtmp, SampleHeader header, long dts, byte[] data, CancellationToken cancellationToken)
    {
        var frame = SampleFrames.FromSample(new MediaSample(header, dts, data))!;
        try
        {
            await rtmp.SendFramesAsync([frame], 4096, cancellationToken);
        }
        finally
        {
            frame.Release();
        }
    }

    /// <summary>320x180 AV1 from libaom (a keyframe each second), as temporal units without their delimiters.</summary>
    private static async Task<List<byte[]>> EncodeAv1Async(int seconds, int fps)
    {
        var path = Path.Combine(Path.GetTempPath(), $"av1-{Guid.NewGuid():N}.obu");
        try
        {
            await using (var ffmpeg = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-f", "lavfi", "-i", $"testsrc2=size=320x180:rate={fps}",
                "-t", $"{seconds}", "-pix_fmt", "yuv420p", "-c:v", "libaom-av1", "-usage", "realtime", "-cpu-used", "8", "-g", $"{fps}", "-b:v", "300k", "-f", "obu", path))
            {
                Assert.True(await ffmpeg.WaitForExitAsync(Deadline) && ffmpeg.ExitCode == 0, ffmpeg.StdErr);
            }
            var data = await File.ReadAllBytesAsync(path);
            var units = new List<byte[]>();
            var at = 0;
            while (at < data.Length)
            {
                ReadOnlySpan<byte> rest = data.AsSpan(at);
                Assert.True(Av1Obu.TryRead(ref rest, out var type, out _));
                var end = data.Length - rest.Length;
                if (type == Av1Obu.TemporalDelimiter)
                {
                    units.Add([]);
                }
                else
                {
                    units[^1] = [.. units[^1], .. data.AsSpan(at, end - at)];
                }
                at = end;
            }
            return units;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_vp8_whep_player_starts_on_a_keyframe_and_its_pli_reaches_the_whip_publisher()
    {
        var stream = "vp8pli" + Ids.Random(6);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", server.WhipUrl("live", stream, publish: true), "VP8");
        await WaitForCodecAsync(stream, "VP8");

        // A player made of the gateway's own pieces, which keeps what it receives and sends PLI at will.
        await using var player = new RawRtcPeer(server.RtcPort);
        using (var answer = await player.SignalAsync(server.Api, server.WhipUrl("live", stream, publish: false), player.Offer(publish: false, videoCodec: "VP8")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, answer.StatusCode);
        }
        player.Capture();
        await player.ConnectAsync(Deadline);
        await Wait.UntilAsync(() => player.Captured.Count(IsVideo) > 20, Deadline, "VP8 packets at the player");
        // The first picture is a keyframe from the GOP cache: S set, partition 0, the frame's P bit clear.
        var first = player.Captured.First(IsVideo);
        Assert.True(RtpHeader.TryParse(first, out var header));
        var payload = header.Payload(first);
        Assert.Equal(0x10, payload[0]);
        Assert.Equal(0, payload[1] & 0x01);

        for (var round = 1; round <= 3; round++)
        {
            var before = await PlisAsync(publisher);
            await Wait.UntilAsync(async () =>
            {
                player.SendRtcp(RtcpWriter.Pli(0x0BADCAFE, 0));
                return await PlisAsync(publisher) > before;
            }, TimeSpan.FromSeconds(3), $"the player's PLI {round} at the VP8 publisher");
        }
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));

        static bool IsVideo(byte[] packet) => RtpHeader.TryParse(packet, out var h) && h.PayloadType == 102;
    }

    private static async Task<long> PlisAsync(IPage publisher) =>
        (await WebRtcBrowserTests.StatsAsync(publisher)).GetProperty("outbound").TryGetProperty("video", out var video) ? video.GetProperty("plis").GetInt64() : 0;

    [Fact]
    public async Task A_whep_player_that_does_not_offer_the_streams_codec_is_refused_with_the_reason()
    {
        var stream = "vp8only" + Ids.Random(6);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", server.WhipUrl("live", stream, publish: true), "VP8");
        await WaitForCodecAsync(stream, "VP8");

        var player = await browser.OpenAsync(page.Url);
        var refused = await Assert.ThrowsAnyAsync<EvaluationFailedException>(() => player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), "H264"));
        Assert.Contains("status 400: the stream's video is VP8, which the offer does not take (it offers H264", refused.Message);
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains($"WebRTC play offer for live/{stream}", StringComparison.Ordinal) && l.Message.Contains("the stream's video is VP8", StringComparison.Ordinal));
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
    }

    /// <summary>Publishes and plays in <paramref name="codec"/>, checks the other protocols, runs
    /// <paramref name="more"/> on the stream while both peers are up, then ends both.</summary>
    private async Task PublishAndPlayAsync(string codec, string fourCc, Func<string, Task>? more = null)
    {
        var errorsBefore = Errors();
        var stream = codec.ToLowerInvariant() + Ids.Random(6);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", server.WhipUrl("live", stream, publish: true), codec);
        Assert.Contains($" {codec}/90000", await publisher.EvaluateExpressionAsync<string>("window.answer"));
        await WaitForCodecAsync(stream, codec);

        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), codec);
        Assert.Contains($" {codec}/90000", await player.EvaluateExpressionAsync<string>("window.answer"));
        await Wait.UntilAsync(async () =>
        {
            var stats = await WebRtcBrowserTests.StatsAsync(player);
            return stats.GetProperty("width").GetInt32() == 640 && stats.GetProperty("height").GetInt32() == 360
                && WebRtcBrowserTests.Inbound(stats, "video", "frames") > 30 && WebRtcBrowserTests.Inbound(stats, "audio", "packets") > 50;
        }, Deadline, $"the WHEP player decoding {codec} picture and sound");
        output.WriteLine($"{codec} WHEP player: {await WebRtcBrowserTests.StatsAsync(player)}");

        // HTTP-FLV: the configuration record, then a keyframe, in Enhanced RTMP tags.
        var tags = await ReadVideoTagsAsync(server.FlvUrl("live", stream), count: 5);
        Assert.All(tags, t => Assert.Equal(fourCc, Encoding.ASCII.GetString(t, 1, 4)));
        Assert.Equal(0x90, tags[0][0]); // ex header, keyframe, SequenceStart
        Assert.Equal(0x10, tags[1][0] & 0x70); // keyframe
        Assert.True(tags.Skip(1).All(t => (t[0] & 0x0F) is 1 or 3)); // coded frames

        // HTTP-TS: no video (MPEG-TS here muxes H.264 and H.265 only), the sound as AAC.
        var ts = await MediaTools.ProbeAsync($"http://127.0.0.1:{server.HttpPort}/live/{stream}.ts");
        Assert.Equal(["aac"], ts.Codecs);

        // An RTMP player of a codec it cannot decode (ffmpeg 5.1 reads no Enhanced RTMP video): the
        // server keeps serving it and the WHEP player.
        await using (Ffmpeg.Play(server.RtmpUrl("live", stream)))
        {
            await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Any(c => c.GetProperty("type").GetString() == "rtmp-play"),
                Deadline, "the RTMP player admitted");
            var before = WebRtcBrowserTests.Inbound(await WebRtcBrowserTests.StatsAsync(player), "video", "frames");
            await Wait.UntilAsync(async () => WebRtcBrowserTests.Inbound(await WebRtcBrowserTests.StatsAsync(player), "video", "frames") > before + 25,
                Deadline, "the WHEP player still decoding");
        }
        if (more is not null)
        {
            await more(stream);
        }
        Assert.Equal(errorsBefore, Errors());

        Assert.Equal(200, await player.EvaluateFunctionAsync<int>("stop"));
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
    }

    private async Task WaitForCodecAsync(string stream, string codec) =>
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s
            && s.GetProperty("video").ValueKind == JsonValueKind.Object && s.GetProperty("video").GetProperty("codec").GetString() == codec,
            Deadline, $"the stream's {codec} video");

    private int Errors() => server.Logs.Lines.Count(l => l.Level >= LogLevel.Error);

    /// <summary>The first video tag bodies of an HTTP-FLV stream.</summary>
    private static async Task<List<byte[]>> ReadVideoTagsAsync(string url, int count)
    {
        using var http = new HttpClient { Timeout = Deadline };
        using var cts = new CancellationTokenSource(Deadline);
        await using var body = await http.GetStreamAsync(url, cts.Token);
        var head = new byte[13];
        await body.ReadExactlyAsync(head, cts.Token);
        Assert.Equal("FLV", Encoding.ASCII.GetString(head, 0, 3));
        var tags = new List<byte[]>();
        var tagHeader = new byte[11];
        while (tags.Count < count)
        {
            await body.ReadExactlyAsync(tagHeader, cts.Token);
            var size = (int)(BinaryPrimitives.ReadUInt32BigEndian(tagHeader) & 0xFFFFFF);
            var data = new byte[size + 4];
            await body.ReadExactlyAsync(data, cts.Token);
            if (tagHeader[0] == 9)
            {
                tags.Add(data[..size]);
            }
        }
        return tags;
    }
}
