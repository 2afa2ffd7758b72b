using System.Net;
using System.Xml.Linq;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>ffmpeg publishes over RTMP to a vhost with DASH; the MPD and its segments are served over HTTP and read by ffprobe and ffmpeg.</summary>
[Collection(MediaCollection.Name)]
public sealed class DashTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    private const string Vhost = MediaFixture.DashVhost;

    private async Task<XElement?> MpdAsync(string stream)
    {
        using var response = await server.Api.GetAsync(server.HttpUrl($"live/{stream}.mpd", Vhost));
        return response.IsSuccessStatusCode ? XDocument.Parse(await response.Content.ReadAsStringAsync()).Root : null;
    }

    private static XElement Representation(XElement mpd, string id) =>
        mpd.Descendants(Mpd + "Representation").Single(r => (string?)r.Attribute("id") == id);

    private static long StartNumber(XElement mpd, string id) =>
        (long)Representation(mpd, id).Element(Mpd + "SegmentTemplate")!.Attribute("startNumber")!;

    [Fact]
    public async Task A_live_mpd_probes_as_h264_and_aac_of_the_published_size_plays_in_ffmpeg_and_old_segments_leave_the_window()
    {
        var stream = "dash" + Ids.Random(5);
        await using var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream, Vhost));
        var mpd = await Wait.ForAsync(async () => await MpdAsync(stream) is { } m && m.Descendants(Mpd + "S").Count() >= 4 ? m : null,
            Deadline, "an MPD listing two segments per track");

        Assert.Equal("dynamic", (string?)mpd.Attribute("type"));
        Assert.Equal("PT2S", (string?)mpd.Attribute("minimumUpdatePeriod"));
        Assert.Equal("PT6S", (string?)mpd.Attribute("timeShiftBufferDepth"));
        var start = DateTimeOffset.Parse((string)mpd.Attribute("availabilityStartTime")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(DateTimeOffset.UtcNow - start, TimeSpan.FromSeconds(2), Deadline);
        var video = Representation(mpd, "video");
        Assert.StartsWith("avc1.64", (string?)video.Attribute("codecs"));
        Assert.Equal("640", (string?)video.Attribute("width"));
        Assert.Equal("360", (string?)video.Attribute("height"));
        Assert.Equal("mp4a.40.2", (string?)Representation(mpd, "audio").Attribute("codecs"));
        Assert.Equal("audio/mp4", (string?)Representation(mpd, "audio").Parent!.Attribute("mimeType"));
        // The vhost query is carried to the segment URLs, which resolve without it.
        Assert.EndsWith($".m4s?vhost={Vhost}", (string?)video.Element(Mpd + "SegmentTemplate")!.Attribute("media"));

        var streams = await Ffmpeg.ProbeStreamsAsync(server.HttpUrl($"live/{stream}.mpd", Vhost), MediaTools.ProbeTimeout);
        var h264 = Assert.Single(streams, s => s.GetProperty("codec_name").GetString() == "h264");
        Assert.Equal(640, h264.GetProperty("width").GetInt32());
        Assert.Equal(360, h264.GetProperty("height").GetInt32());
        var aac = Assert.Single(streams, s => s.GetProperty("codec_name").GetString() == "aac");
        Assert.Equal("44100", aac.GetProperty("sample_rate").GetString());

        // A player: ffmpeg follows the live MPD for 4 s of pictures.
        await using (var player = Ffmpeg.Play(server.HttpUrl($"live/{stream}.mpd", Vhost), seconds: 4))
        {
            Assert.True(await player.WaitForExitAsync(Deadline), "ffmpeg should play 4 s of the live MPD");
            Assert.Equal(0, player.ExitCode);
            Assert.InRange(Ffmpeg.FramesDecoded(player.StdErr), 90, 110);
        }

        // A 6 s window of 2 s segments: segment 0 leaves the MPD and the disk, and is a 404 after.
        mpd = await Wait.ForAsync(async () => await MpdAsync(stream) is { } m && StartNumber(m, "video") >= 1 ? m : null,
            Deadline, "the first segment out of the timeshift window");
        Assert.Equal(StartNumber(mpd, "video"), StartNumber(mpd, "audio"));
        Assert.False(File.Exists(Path.Combine(server.DashRoot, "live", $"{stream}-video-0.m4s")));
        using var gone = await server.Api.GetAsync(server.HttpUrl($"live/{stream}-video-0.m4s", Vhost));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var listed = StartNumber(mpd, "video");
        using var kept = await server.Api.GetAsync(server.HttpUrl($"live/{stream}-video-{listed}.m4s", Vhost));
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal("video/iso.segment", kept.Content.Headers.ContentType?.MediaType);
        using var init = await server.Api.GetAsync(server.HttpUrl($"live/{stream}-video-init.mp4", Vhost));
        Assert.Equal(HttpStatusCode.OK, init.StatusCode);
    }

    [Theory]
    [InlineData("live/nosuch.mpd")]
    [InlineData("live/nosuch-video-0.m4s")]
    [InlineData("live/nosuch-video-init.mp4")]
    [InlineData("live/../../nosuch.mpd")]
    [InlineData("live/%2e%2e/%2e%2e/etc/passwd.mpd")]
    public async Task An_mpd_or_segment_of_a_stream_that_does_not_exist_is_a_404(string path)
    {
        using var dash = await server.Api.GetAsync(server.HttpUrl(path, Vhost));
        Assert.Equal(HttpStatusCode.NotFound, dash.StatusCode);
        // A vhost without DASH has no MPDs either.
        using var plain = await server.Api.GetAsync(server.HttpUrl(path));
        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
    }
}
