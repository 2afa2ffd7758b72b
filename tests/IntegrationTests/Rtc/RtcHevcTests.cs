using System.Net;
using System.Text.Json;
using OrleansLive.IntegrationTests.Srt;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Media.Rtp;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// H.265 to a WebRTC player that offers it (neither Chromium nor aiortc here receive H.265): an HEVC
/// stream published over SRT, played over WHEP by a raw peer whose decrypted RTP goes through the
/// RFC 7798 depacketizer into an Annex B file that ffprobe decodes.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class RtcHevcTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_hevc_stream_plays_over_whep_as_h265_to_a_player_that_offers_it()
    {
        var stream = "rtchevc" + Ids.Random(5);
        await using var publisher = SrtGatewayTests.PublishTs(server.SrtUrl("live", stream, publish: true, "&pkt_size=1316"), "libx265");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s
            && s.GetProperty("video").ValueKind == JsonValueKind.Object && s.GetProperty("video").GetProperty("codec").GetString() == "HEVC", Deadline, "the HEVC publish");

        await using var peer = new RawRtcPeer(server.RtcPort);
        using var http = new HttpClient();
        using (var response = await peer.SignalAsync(http, server.WhipUrl("live", stream, publish: false), peer.Offer(publish: false, videoCodec: "H265")))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Contains("H265/90000", await response.Content.ReadAsStringAsync());
        }
        peer.Capture();
        await peer.ConnectAsync(Deadline);
        static bool IsVideo(byte[] packet) => RtpHeader.TryParse(packet, out var header) && header.PayloadType == 102;
        await Wait.UntilAsync(() => peer.Captured.Count(IsVideo) > 200, Deadline, "H.265 RTP packets");

        var units = new List<RtpAccessUnit>();
        var depacketizer = new H265Depacketizer(units.Add);
        // In sequence order: packets that came before this side's DTLS finished were held and decrypted after.
        var reorder = new RtpReorderBuffer(8192);
        foreach (var packet in peer.Captured.Where(IsVideo))
        {
            reorder.Push(packet);
        }
        while (reorder.TryPop(out var next))
        {
            depacketizer.Push(next);
        }
        Assert.True(units.Count >= 25, $"{units.Count} access units");
        Assert.True(units[0].IsKeyframe, "the player starts on an IRAP picture from the GOP cache");
        Assert.True(units[0].HasParameterSets, "VPS/SPS/PPS go before the IRAP");
        Assert.Equal(0, depacketizer.LostPackets);

        var file = Path.Combine(Path.GetTempPath(), $"whep-{Guid.NewGuid():N}.hevc");
        try
        {
            await using (var output = File.Create(file))
            {
                foreach (var nal in units.SelectMany(u => u.Nals))
                {
                    output.Write([0, 0, 0, 1]);
                    output.Write(nal);
                }
            }
            var video = Assert.Single(await Ffmpeg.ProbeStreamsAsync(file, Deadline));
            Assert.Equal("hevc", video.GetProperty("codec_name").GetString());
            Assert.Equal(640, video.GetProperty("width").GetInt32());
            Assert.Equal(360, video.GetProperty("height").GetInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
