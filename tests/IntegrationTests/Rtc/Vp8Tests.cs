using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// VP8 and VP9 carried WebRTC to WebRTC: headless Chromium publishes with only that codec offered
/// (WHIP) and another page plays it (WHEP) with the same codec; the same stream goes to RTMP and
/// HTTP-FLV players as Enhanced RTMP vp08/vp09 tags, opening with the configuration and a keyframe.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class Vp8Tests(ServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public Task A_vp8_whip_publish_plays_over_whep_in_vp8_and_goes_to_flv_players() => PublishAndPlayAsync("VP8", "vp08");

    [Fact]
    public Task A_vp9_whip_publish_plays_over_whep_in_vp9_and_goes_to_flv_players() => PublishAndPlayAsync("VP9", "vp09");

    private async Task PublishAndPlayAsync(string codec, string fourCc)
    {
        var errorsBefore = Errors();
        var stream = codec.ToLowerInvariant() + Ids.Random(6);
        await using var page = await RtcTestPage.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var publisher = await browser.OpenAsync(page.Url);
        await publisher.EvaluateFunctionAsync("publish", server.WhipUrl("live", stream, publish: true), codec);
        Assert.Contains($" {codec}/90000", await publisher.EvaluateExpressionAsync<string>("window.answer"));
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s
            && s.GetProperty("video").ValueKind == JsonValueKind.Object && s.GetProperty("video").GetProperty("codec").GetString() == codec,
            Deadline, $"the stream's {codec} video");

        var player = await browser.OpenAsync(page.Url);
        await player.EvaluateFunctionAsync("play", server.WhipUrl("live", stream, publish: false), codec);
        Assert.Contains($" {codec}/90000", await player.EvaluateExpressionAsync<string>("window.answer"));
        await Wait.UntilAsync(async () =>
        {
            var stats = await WebRtcBrowserTests.StatsAsync(player);
            return stats.GetProperty("width").GetInt32() == 640 && stats.GetProperty("height").GetInt32() == 360
                && WebRtcBrowserTests.Inbound(stats, "video", "frames") > 30 && WebRtcBrowserTests.Inbound(stats, "audio", "packets") > 50;
        }, Deadline, $"the WHEP player decoding {codec} picture and sound");

        // HTTP-FLV: the configuration record, then a keyframe, in Enhanced RTMP tags.
        var tags = await ReadVideoTagsAsync(server.FlvUrl("live", stream), count: 5);
        Assert.All(tags, t => Assert.Equal(fourCc, Encoding.ASCII.GetString(t, 1, 4)));
        Assert.Equal(0x90, tags[0][0]); // ex header, keyframe, SequenceStart
        Assert.Equal(0x10, tags[1][0] & 0x70); // keyframe
        Assert.True(tags.Skip(1).All(t => (t[0] & 0x0F) is 1 or 3)); // coded frames

        // An RTMP player of a codec it cannot decode: the server keeps serving.
        await using (var rtmp = Ffmpeg.Play(server.RtmpUrl("live", stream), seconds: 2))
        {
            await rtmp.WaitForExitAsync(Deadline);
        }
        var before = WebRtcBrowserTests.Inbound(await WebRtcBrowserTests.StatsAsync(player), "video", "frames");
        await Wait.UntilAsync(async () => WebRtcBrowserTests.Inbound(await WebRtcBrowserTests.StatsAsync(player), "video", "frames") > before + 25,
            Deadline, "the WHEP player still decoding");
        Assert.Equal(errorsBefore, Errors());

        Assert.Equal(200, await player.EvaluateFunctionAsync<int>("stop"));
        Assert.Equal(200, await publisher.EvaluateFunctionAsync<int>("stop"));
    }

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
