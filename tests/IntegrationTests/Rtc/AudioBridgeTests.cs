using System.Text.Json;
using OrleansLive.IntegrationTests.Srt;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// A stream published in one family plays in the other: AAC from RTMP or SRT is heard by WebRTC
/// players (Chromium, aiortc) as Opus, and a WebRTC publish's Opus reaches RTMP, FLV, HLS and DVR as
/// AAC, through one bridge per stream. The players' decoded sound is measured: loud, at the
/// publisher's 440 Hz.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class AudioBridgeTests(MediaFixture server, AiortcClip clip, ITestOutputHelper output) : IClassFixture<AiortcClip>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private async Task<JsonElement[]> BridgesAsync(string stream) =>
        await server.FindStreamAsync("live", stream) is { } s && s.TryGetProperty("bridges", out var b) ? [.. b.EnumerateArray()] : [];

    private int LogLines(string stream, string text) =>
        server.Logs.Lines.Count(l => l.Message.Contains("Audio bridge of", StringComparison.Ordinal) && l.Message.Contains("/" + stream, StringComparison.Ordinal) && l.Message.Contains(text, StringComparison.Ordinal));

    [Fact]
    public async Task An_rtmp_publish_with_aac_plays_over_whep_in_chromium_with_sound_and_one_bridge_serves_every_player()
    {
        var stream = "aacrtc" + Ids.Random(5);
        await using var publisher = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin", "-re",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-c:v", "libx264", "-preset", "veryfast", "-bf", "0", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", "-b:a", "96k",
            "-f", "flv", server.RtmpUrl("live", stream));
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object,
            Deadline, "the RTMP publish");

        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var players = new[] { await browser.OpenAsync(page.Url), await browser.OpenAsync(page.Url) };
        foreach (var player in players)
        {
            await player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), "H264");
        }
        await using var aiortc = AiortcPeer.Play(server.WhipUrl("live", stream, publish: false), 8);
        foreach (var player in players)
        {
            await Wait.UntilAsync(async () =>
            {
                var stats = await WebRtcBrowserTests.StatsAsync(player);
                return stats.GetProperty("width").GetInt32() == 640 && WebRtcBrowserTests.Inbound(stats, "video", "frames") > 30
                    && WebRtcBrowserTests.Inbound(stats, "audio", "packets") > 100
                    && stats.GetProperty("sound").GetProperty("rms").GetDouble() > 0.02
                    && Math.Abs(stats.GetProperty("sound").GetProperty("hz").GetDouble() - 440) < 12;
            }, Deadline, "the WHEP player decoding picture and a 440 Hz sound");
            var stats = await WebRtcBrowserTests.StatsAsync(player);
            output.WriteLine($"chromium: {stats}");
        }
        var heard = await AiortcPeer.FinishAsync(aiortc, Deadline);
        output.WriteLine($"aiortc: {heard}");
        Assert.True(heard.GetProperty("audio_frames").GetInt32() > 100, $"audio frames: {heard}");
        Assert.InRange(heard.GetProperty("audio_hz").GetDouble(), 430, 450);
        Assert.True(heard.GetProperty("audio_rms").GetDouble() > 0.05, $"sound level: {heard}");

        // One AAC decoder and one Opus encoder for all three players, shown in the stream's record.
        var bridge = await Wait.ForAsync(async () => (await BridgesAsync(stream)) is [var b] ? (JsonElement?)b : null, Deadline, "the bridge in /api/v1/streams");
        output.WriteLine($"bridge: {bridge}");
        Assert.Equal("rtc", bridge!.Value.GetProperty("side").GetString());
        Assert.Equal("AAC", bridge.Value.GetProperty("from").GetString());
        Assert.Equal("Opus", bridge.Value.GetProperty("to").GetString());
        Assert.Equal(48000, bridge.Value.GetProperty("sample_rate").GetInt32());
        Assert.Equal(2, bridge.Value.GetProperty("channels").GetInt32());
        Assert.Equal(48, bridge.Value.GetProperty("kbps").GetInt32());
        Assert.Equal(1, LogLines(stream, "started"));

        foreach (var player in players)
        {
            Assert.Equal(200, await player.EvaluateFunctionAsync<int>("stop"));
        }
        await Wait.UntilAsync(() => LogLines(stream, "stopped") == 1, Deadline, "the bridge stopping with its last player");
        await Wait.UntilAsync(async () => (await BridgesAsync(stream)).Length == 0, Deadline, "the bridge gone from the API");
    }

    [Fact]
    public async Task A_chromium_whip_publish_plays_over_rtmp_and_flv_as_h264_and_aac_and_records_an_mp4_with_audio_in_sync()
    {
        var stream = "rtcaac" + Ids.Random(5);
        var vhost = MediaFixture.Mp4Vhost;
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", server.WhipUrl("live", stream, publish: true, $"&vhost={vhost}"), "H264", "");
        await Wait.UntilAsync(async () => (await publisher.EvaluateExpressionAsync<string>("window.pc.connectionState")) == "connected", Deadline, "the publisher connected");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object, Deadline, "the stream's video codec");
        var published = DateTime.UtcNow;

        foreach (var url in new[] { server.RtmpUrl("live", stream, vhost), server.HttpUrl($"live/{stream}.flv", vhost) })
        {
            var streams = await Ffmpeg.ProbeStreamsAsync(url, Deadline);
            output.WriteLine($"ffprobe {url}: {string.Join("; ", streams.Select(s => s.ToString()))}");
            Assert.Contains(streams, s => s.GetProperty("codec_type").GetString() == "video" && s.GetProperty("codec_name").GetString() == "h264");
            var audio = streams.Single(s => s.GetProperty("codec_type").GetString() == "audio");
            Assert.Equal("aac", audio.GetProperty("codec_name").GetString());
            Assert.Equal("48000", audio.GetProperty("sample_rate").GetString());
        }

        // The sender's own clock (RTCP SR) says how far our audio and video times are apart.
        var offset = await Wait.ForAsync(async () => (await server.FindClientsAsync(stream)).FirstOrDefault(c => c.GetProperty("type").GetString() == "rtc-publish") is { ValueKind: JsonValueKind.Object } c
            && c.TryGetProperty("rtp", out var rtp) && rtp.TryGetProperty("av_offset_ms", out var o) ? (double?)o.GetDouble() : null, Deadline, "the publisher's A/V offset");
        output.WriteLine($"A/V offset by the sender's reports: {offset} ms");
        Assert.InRange(offset!.Value, -100, 100);

        await Wait.UntilAsync(() => DateTime.UtcNow - published > TimeSpan.FromSeconds(6), Deadline, "six seconds of publishing");
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
        var seconds = (DateTime.UtcNow - published).TotalSeconds;
        var dvr = Path.Combine(server.DvrRoot(vhost), vhost, "live");
        var file = await Wait.ForAsync(() => Task.FromResult(Directory.Exists(dvr) ? Directory.EnumerateFiles(dvr, stream + ".*.mp4").FirstOrDefault() : null), Deadline, "the DVR file");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is null, Deadline, "the stream ended");
        var probe = await MediaTools.ProbeAsync(file!);
        output.WriteLine($"dvr {file}: {probe.Duration} s, {string.Join(", ", probe.Codecs)}");
        Assert.Contains("h264", probe.Codecs);
        Assert.Contains("aac", probe.Codecs);
        Assert.InRange(probe.Duration, seconds - 3, seconds + 1.5);
        var starts = await MediaTools.StreamStartsAsync(file!);
        output.WriteLine($"dvr stream starts: {string.Join(", ", starts)}");
        Assert.InRange(Math.Abs(starts["audio"] - starts["video"]), 0, 0.1);
    }

    [Fact]
    public async Task An_aiortc_whip_publish_sounds_at_440_hz_over_rtmp_and_probes_with_aac_over_hls()
    {
        var stream = "aiobridge" + Ids.Random(5);
        await using var publisher = AiortcPeer.Publish(server.WhipUrl("live", stream, publish: true), clip.Path, 20);
        await Wait.UntilAsync(() => AiortcPeer.Reached(publisher, "connected") || publisher.HasExited, Deadline, "aiortc's WHIP session connected");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object,
            Deadline, "aiortc's stream");

        var (rms, hz) = await AudioTone.ListenAsync(server.RtmpUrl("live", stream), 4, Deadline);
        output.WriteLine($"RTMP sound: rms {rms:0.000}, {hz:0.0} Hz");
        Assert.InRange(hz, 430, 450);
        Assert.True(rms > 0.05, $"rms {rms}");

        // HTTP-TS players (and SRT's, which share the stream's TS form) get the converted audio too.
        var ts = await MediaTools.ProbeAsync(server.HttpUrl($"live/{stream}.ts"));
        output.WriteLine($"HTTP-TS: {string.Join(", ", ts.Codecs)}");
        Assert.Equal(["h264", "aac"], ts.Codecs.Order().Reverse());

        var hls = await Wait.ForAsync(async () =>
        {
            try
            {
                var probe = await MediaTools.ProbeAsync(server.HttpUrl($"live/{stream}.m3u8"));
                return probe.Codecs.Contains("aac") && probe.Codecs.Contains("h264") ? probe : null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }, Deadline, "the HLS stream with H.264 video and AAC audio");
        Assert.Contains("h264", hls!.Codecs);
        var bridge = await Wait.ForAsync(async () => (await BridgesAsync(stream)) is [var b] ? (JsonElement?)b : null, Deadline, "the bridge in /api/v1/streams");
        Assert.Equal("rtmp", bridge!.Value.GetProperty("side").GetString());
        Assert.Equal("Opus", bridge.Value.GetProperty("from").GetString());
        Assert.Equal("AAC", bridge.Value.GetProperty("to").GetString());
    }

    [Fact]
    public async Task An_srt_publish_with_aac_plays_over_whep_in_aiortc_with_its_tone()
    {
        var stream = "srtrtc" + Ids.Random(5);
        await using var publisher = SrtGatewayTests.PublishTs(server.SrtUrl("live", stream, publish: true, "&pkt_size=1316"));
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == JsonValueKind.Object
            && s.GetProperty("audio").ValueKind == JsonValueKind.Object, Deadline, $"the SRT publish ({publisher.StdErr})");

        await using var player = AiortcPeer.Play(server.WhipUrl("live", stream, publish: false), 8);
        var heard = await AiortcPeer.FinishAsync(player, Deadline);
        output.WriteLine($"aiortc: {heard}");
        Assert.True(heard.GetProperty("video_frames").GetInt32() > 50, $"video frames: {heard}");
        Assert.InRange(heard.GetProperty("audio_hz").GetDouble(), 430, 450);
        Assert.True(heard.GetProperty("audio_rms").GetDouble() > 0.05, $"sound level: {heard}");
    }
}
