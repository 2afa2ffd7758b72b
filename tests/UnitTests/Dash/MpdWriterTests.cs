using System.Xml.Linq;
using OrleansLive.Media.Containers.Dash;

namespace OrleansLive.UnitTests.Dash;

public class MpdWriterTests
{
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 22, 40, 37, 125, TimeSpan.Zero);

    private static MpdManifest Manifest(params MpdRepresentation[] representations) => new(
        Start, Start.AddSeconds(10), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), representations);

    private static MpdRepresentation Video(params MpdSegment[] segments) =>
        new("video", IsVideo: true, "avc1.64001F", 90000, 800_000, "cam-video-init.mp4", "cam-$RepresentationID$-$Number$.m4s", segments) { Width = 640, Height = 360 };

    private static MpdRepresentation Audio(params MpdSegment[] segments) =>
        new("audio", IsVideo: false, "mp4a.40.2", 44100, 64_000, "cam-audio-init.mp4", "cam-$RepresentationID$-$Number$.m4s", segments) { SampleRate = 44100, Channels = 2 };

    [Fact]
    public void Writes_a_well_formed_dynamic_mpd_with_its_times()
    {
        var text = MpdWriter.Write(Manifest(Video(new MpdSegment(7, 180000, 180000))));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text);
        var root = XDocument.Parse(text).Root!;
        Assert.Equal(Mpd + "MPD", root.Name);
        Assert.Equal("dynamic", (string?)root.Attribute("type"));
        Assert.Equal("urn:mpeg:dash:profile:isoff-live:2011", (string?)root.Attribute("profiles"));
        Assert.Equal("2026-12-01T22:40:37.125Z", (string?)root.Attribute("availabilityStartTime"));
        Assert.Equal("2026-12-01T22:40:47.125Z", (string?)root.Attribute("publishTime"));
        Assert.Equal("PT2S", (string?)root.Attribute("minimumUpdatePeriod"));
        Assert.Equal("PT300S", (string?)root.Attribute("timeShiftBufferDepth"));
        Assert.Equal("PT2S", (string?)root.Attribute("minBufferTime"));
        Assert.Equal("PT4S", (string?)root.Attribute("suggestedPresentationDelay"));
        Assert.Equal("PT2S", (string?)root.Attribute("maxSegmentDuration"));
        var period = Assert.Single(root.Elements(Mpd + "Period"));
        Assert.Equal("PT0S", (string?)period.Attribute("start"));
    }

    [Fact]
    public void Puts_video_and_audio_in_their_own_adaptation_sets_with_codecs_and_sizes()
    {
        var root = XDocument.Parse(MpdWriter.Write(Manifest(Video(new MpdSegment(0, 0, 180000)), Audio(new MpdSegment(0, 0, 88200))))).Root!;
        var sets = root.Descendants(Mpd + "AdaptationSet").ToList();
        Assert.Equal(2, sets.Count);
        Assert.Equal(["video", "audio"], sets.Select(s => (string?)s.Attribute("contentType")));
        Assert.Equal(["video/mp4", "audio/mp4"], sets.Select(s => (string?)s.Attribute("mimeType")));
        var video = Assert.Single(sets[0].Elements(Mpd + "Representation"));
        Assert.Equal("video", (string?)video.Attribute("id"));
        Assert.Equal("avc1.64001F", (string?)video.Attribute("codecs"));
        Assert.Equal("640", (string?)video.Attribute("width"));
        Assert.Equal("360", (string?)video.Attribute("height"));
        Assert.Equal("800000", (string?)video.Attribute("bandwidth"));
        var audio = Assert.Single(sets[1].Elements(Mpd + "Representation"));
        Assert.Equal("mp4a.40.2", (string?)audio.Attribute("codecs"));
        Assert.Equal("44100", (string?)audio.Attribute("audioSamplingRate"));
        Assert.Equal("2", (string?)audio.Element(Mpd + "AudioChannelConfiguration")!.Attribute("value"));
        Assert.Null(audio.Attribute("width"));
    }

    [Fact]
    public void Template_numbers_start_at_the_first_listed_segment_and_every_timeline_entry_has_its_time()
    {
        var root = XDocument.Parse(MpdWriter.Write(Manifest(Video(
            new MpdSegment(41, 3_690_000, 180000), new MpdSegment(42, 3_870_000, 183600), new MpdSegment(43, 4_053_600, 176400))))).Root!;
        var template = root.Descendants(Mpd + "SegmentTemplate").Single();
        Assert.Equal("90000", (string?)template.Attribute("timescale"));
        Assert.Equal("41", (string?)template.Attribute("startNumber"));
        Assert.Equal("cam-$RepresentationID$-$Number$.m4s", (string?)template.Attribute("media"));
        Assert.Equal("cam-video-init.mp4", (string?)template.Attribute("initialization"));
        var entries = template.Element(Mpd + "SegmentTimeline")!.Elements(Mpd + "S").ToList();
        Assert.Equal(["3690000", "3870000", "4053600"], entries.Select(s => (string?)s.Attribute("t")));
        Assert.Equal(["180000", "183600", "176400"], entries.Select(s => (string?)s.Attribute("d")));
        Assert.All(entries, s => Assert.Null(s.Attribute("r")));
        Assert.Equal("PT2.04S", (string?)root.Attribute("maxSegmentDuration"));
    }

    [Fact]
    public void Carries_a_direct_utc_timing_that_a_server_restamps_when_serving()
    {
        var text = MpdWriter.Write(Manifest(Video(new MpdSegment(0, 0, 90000))));
        var timing = XDocument.Parse(text).Root!.Element(Mpd + "UTCTiming")!;
        Assert.Equal("urn:mpeg:dash:utc:direct:2014", (string?)timing.Attribute("schemeIdUri"));
        Assert.Equal("2026-12-01T22:40:47.125Z", (string?)timing.Attribute("value"));

        var served = MpdWriter.WithUtcTime(text, Start.AddSeconds(12.5));
        Assert.Equal("2026-12-01T22:40:49.625Z", (string?)XDocument.Parse(served).Root!.Element(Mpd + "UTCTiming")!.Attribute("value"));
        Assert.Equal(text.Length, served.Length);
        Assert.Equal("<MPD/>", MpdWriter.WithUtcTime("<MPD/>", Start));
    }

    [Theory]
    [InlineData(0.0, "PT0S")]
    [InlineData(1.5, "PT1.5S")]
    [InlineData(30.0004, "PT30S")]
    [InlineData(2.0456, "PT2.046S")]
    public void Durations_are_seconds_with_at_most_milliseconds(double seconds, string expected) =>
        Assert.Equal(expected, MpdWriter.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Times_are_utc_whatever_the_offset()
    {
        var local = new DateTimeOffset(2026, 12, 2, 1, 40, 37, 5, TimeSpan.FromHours(3));
        Assert.Equal("2026-12-01T22:40:37.005Z", MpdWriter.Time(local));
    }

    [Fact]
    public void Escapes_what_xml_needs_escaped_in_names()
    {
        var representation = Video(new MpdSegment(0, 0, 90000)) with { Media = "a&b-$RepresentationID$-$Number$.m4s" };
        var text = MpdWriter.Write(Manifest(representation));
        Assert.Contains("a&amp;b-$RepresentationID$-$Number$.m4s", text);
        Assert.Equal("a&b-$RepresentationID$-$Number$.m4s", (string?)XDocument.Parse(text).Descendants(Mpd + "SegmentTemplate").Single().Attribute("media"));
    }
}
