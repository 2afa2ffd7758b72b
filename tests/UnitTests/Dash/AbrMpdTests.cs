using System.Xml.Linq;
using OrleansLive.Media.Containers.Dash;

namespace OrleansLive.UnitTests.Dash;

public class AbrMpdTests
{
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 22, 40, 37, 125, TimeSpan.Zero);

    /// <summary>A stream's own MPD as DashSegmenter writes it: video (90 kHz) and audio (44.1 kHz) in
    /// segments numbered from <paramref name="firstNumber"/> starting at the given seconds.</summary>
    private static MpdManifest Stream(string name, DateTimeOffset availabilityStart, long firstNumber, int width, int height, bool audio, params double[] starts)
    {
        MpdSegment[] Segments(uint timescale) => starts.Select((s, i) =>
            new MpdSegment(firstNumber + i, (long)(s * timescale), (long)(2 * timescale))).ToArray();
        var representations = new List<MpdRepresentation>
        {
            new("video", IsVideo: true, "avc1.64001E", 90000, 500_000, $"{name}-video-init.mp4", name + "-$RepresentationID$-$Number$.m4s", Segments(90000))
            {
                Width = width,
                Height = height,
            },
        };
        if (audio)
        {
            representations.Add(new("audio", IsVideo: false, "mp4a.40.2", 44100, 64_000, $"{name}-audio-init.mp4", name + "-$RepresentationID$-$Number$.m4s", Segments(44100))
            {
                SampleRate = 44100,
                Channels = 2,
            });
        }
        return new MpdManifest(availabilityStart, availabilityStart.AddSeconds(starts[^1] + 2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30),
            TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), representations);
    }

    private static MpdManifest Source(params double[] starts) => Stream("cam", Start, 10, 640, 360, audio: true, starts);

    private static MpdManifest Rendition(params double[] starts) => Stream("cam_480", Start.AddSeconds(1.5), 3, 320, 180, audio: true, starts);

    private static XElement Written(MpdManifest manifest) => XDocument.Parse(MpdWriter.Write(manifest)).Root!;

    [Fact]
    public void Reads_back_what_the_writer_wrote()
    {
        var source = Source(20, 22, 24);
        var read = MpdReader.TryRead(MpdWriter.Write(source))!;
        Assert.Equal(source.AvailabilityStart, read.AvailabilityStart);
        Assert.Equal(source.PublishTime, read.PublishTime);
        Assert.Equal(source.MinimumUpdatePeriod, read.MinimumUpdatePeriod);
        Assert.Equal(source.TimeShiftBufferDepth, read.TimeShiftBufferDepth);
        Assert.Equal(source.SuggestedPresentationDelay, read.SuggestedPresentationDelay);
        Assert.Equal(2, read.Representations.Count);
        for (var i = 0; i < 2; i++)
        {
            var (expected, actual) = (source.Representations[i], read.Representations[i]);
            Assert.Equal(expected with { Segments = [] }, actual with { Segments = [] });
            Assert.Equal(expected.Segments, actual.Segments);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<MPD xmlns=\"urn:mpeg:dash:schema:mpd:2011\"/>")]
    [InlineData("<html/>")]
    public void Reads_nothing_from_what_is_not_such_an_mpd(string text) => Assert.Null(MpdReader.TryRead(text));

    [Fact]
    public void Expands_repeated_timeline_entries()
    {
        const string text = """
            <MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic" availabilityStartTime="2026-12-01T22:40:37.125Z">
              <Period><AdaptationSet contentType="video"><Representation id="v" bandwidth="1" codecs="avc1.64001E">
                <SegmentTemplate timescale="1000" media="v-$Number$.m4s" initialization="v.mp4" startNumber="5">
                  <SegmentTimeline><S t="1000" d="2000" r="2"/><S d="1000"/></SegmentTimeline>
                </SegmentTemplate></Representation></AdaptationSet></Period>
            </MPD>
            """;
        var video = Assert.Single(MpdReader.TryRead(text)!.Representations);
        Assert.True(video.IsVideo);
        Assert.Equal([new(5, 1000, 2000), new(6, 3000, 2000), new(7, 5000, 2000), new MpdSegment(8, 7000, 1000)], video.Segments);
    }

    [Fact]
    public void Puts_every_variant_in_one_video_adaptation_set_and_the_source_audio_in_another()
    {
        var manifest = AbrMpd.Combine([
            new MpdVariant("video", "", Source(20, 22, 24)) { Bandwidth = 900_000, Width = 640, Height = 360, Codecs = "avc1.64001F" },
            new MpdVariant("video_480", "", Rendition(22, 24)) { Bandwidth = 250_000 },
        ])!;
        var sets = Written(manifest).Descendants(Mpd + "AdaptationSet").ToList();
        Assert.Equal(["video", "audio"], sets.Select(s => (string?)s.Attribute("contentType")));
        var videos = sets[0].Elements(Mpd + "Representation").ToList();
        Assert.Equal(["video", "video_480"], videos.Select(r => (string?)r.Attribute("id")));
        Assert.Equal(["900000", "250000"], videos.Select(r => (string?)r.Attribute("bandwidth")));
        Assert.Equal(["360", "180"], videos.Select(r => (string?)r.Attribute("height")));
        Assert.Equal(["avc1.64001F", "avc1.64001E"], videos.Select(r => (string?)r.Attribute("codecs")));
        // Over the time both list, the segments start together: switching needs no overlap.
        Assert.Equal("true", (string?)sets[0].Attribute("segmentAlignment"));
        var audio = Assert.Single(sets[1].Elements(Mpd + "Representation"));
        Assert.Equal("audio", (string?)audio.Attribute("id"));
        Assert.Equal("cam-audio-init.mp4", (string?)audio.Element(Mpd + "SegmentTemplate")!.Attribute("initialization"));
    }

    [Fact]
    public void Each_representation_names_its_own_streams_files_and_keeps_its_numbers_and_times()
    {
        var manifest = AbrMpd.Combine([
            new MpdVariant("video", "", Source(20, 22, 24)),
            new MpdVariant("video_480", "../other/", Rendition(22, 24)),
        ])!;
        var templates = Written(manifest).Descendants(Mpd + "SegmentTemplate").ToList();
        Assert.Equal(["cam-video-$Number$.m4s", "../other/cam_480-video-$Number$.m4s", "cam-audio-$Number$.m4s"],
            templates.Select(t => (string?)t.Attribute("media")));
        Assert.Equal(["cam-video-init.mp4", "../other/cam_480-video-init.mp4", "cam-audio-init.mp4"],
            templates.Select(t => (string?)t.Attribute("initialization")));
        Assert.Equal(["10", "3", "10"], templates.Select(t => (string?)t.Attribute("startNumber")));
        // -copyts: the rendition's times are the source's, taken as they are (no presentationTimeOffset).
        Assert.Equal(["1980000", "2160000"], templates[1].Descendants(Mpd + "S").Select(s => (string?)s.Attribute("t")));
        Assert.All(templates, t => Assert.Null(t.Attribute("presentationTimeOffset")));
        Assert.Equal("../other/cam_480-video-4.m4s", AbrMpd.Resolve(manifest.Representations[1].Media, "video_480", 4));
    }

    [Fact]
    public void Announces_segments_from_the_latest_variants_availability_start()
    {
        var manifest = AbrMpd.Combine([new MpdVariant("video", "", Source(20, 22)), new MpdVariant("video_480", "", Rendition(22))])!;
        Assert.Equal(Start.AddSeconds(1.5), manifest.AvailabilityStart);
        Assert.Equal(Start.AddSeconds(25.5), manifest.PublishTime);
        Assert.Equal(TimeSpan.FromSeconds(30), manifest.TimeShiftBufferDepth);
    }

    [Fact]
    public void Claims_no_alignment_when_segments_start_at_different_times()
    {
        var manifest = AbrMpd.Combine([new MpdVariant("video", "", Source(20, 22, 24)), new MpdVariant("video_480", "", Rendition(21, 23))])!;
        Assert.Null(Written(manifest).Descendants(Mpd + "AdaptationSet").First().Attribute("segmentAlignment"));
    }

    [Fact]
    public void Has_nothing_without_video_and_leaves_out_variants_without_segments()
    {
        var audioOnly = Source(20) with { Representations = [Source(20).Representations[1]] };
        Assert.Null(AbrMpd.Combine([new MpdVariant("video", "", audioOnly)]));
        var empty = Rendition(22) with { Representations = [Rendition(22).Representations[0] with { Segments = [] }] };
        var manifest = AbrMpd.Combine([new MpdVariant("video", "", Source(20)), new MpdVariant("video_480", "", empty)])!;
        Assert.Equal(["video", "audio"], manifest.Representations.Select(r => r.Id));
    }

    [Fact]
    public void A_rendition_whose_mpd_stopped_while_the_source_goes_on_is_behind()
    {
        var source = Source(100, 102);
        Assert.False(AbrMpd.IsBehind(source, Rendition(98, 100)));
        Assert.True(AbrMpd.IsBehind(source, Rendition(80, 82)));
    }

    [Fact]
    public void Single_representations_keep_their_own_adaptation_sets()
    {
        var sets = Written(Source(20, 22)).Descendants(Mpd + "AdaptationSet").ToList();
        Assert.Equal(2, sets.Count);
        Assert.All(sets, s => Assert.Equal("true", (string?)s.Attribute("segmentAlignment")));
    }
}
