using System.Buffers.Binary;
using System.Xml.Linq;
using OrleansLive.GatewayEdge.Recording.Dash;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.UnitTests.Mp4;
using OrleansLive.UnitTests.Recording;

namespace OrleansLive.UnitTests.Dash;

public class DashSegmenterTests
{
    private const string Root = "/mem/dash";
    private const string MpdFile = Root + "/live/cam.mpd";
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);

    private readonly MemoryFileSystem _files = new();
    private readonly ListLogger _log = new();

    private static DashSettings Settings(double fragment = 2, double timeshift = 300, bool cleanup = true) =>
        new(Enabled: true, Fragment: fragment, UpdatePeriod: 150, Timeshift: timeshift, Path: Root, Cleanup: cleanup);

    private DashSegmenter Segmenter(DashStreamState state, DashSettings? settings = null) =>
        new(settings ?? Settings(), StreamKey.DefaultVhost, "live", "cam", state, _files, _log, () => Now);

    private static void Feed(DashSegmenter segmenter, IEnumerable<MediaFrame> frames)
    {
        foreach (var frame in frames)
        {
            segmenter.Write(frame);
            frame.Release();
        }
        segmenter.Flush();
    }

    private XElement Read() => XDocument.Parse(_files.Text(MpdFile)).Root!;

    private static List<(long T, long D)> Timeline(XElement root, string id) =>
        root.Descendants(Mpd + "Representation").Single(r => (string?)r.Attribute("id") == id)
            .Descendants(Mpd + "S").Select(s => ((long)s.Attribute("t")!, (long)s.Attribute("d")!)).ToList();

    private static long StartNumber(XElement root, string id) =>
        (long)root.Descendants(Mpd + "Representation").Single(r => (string?)r.Attribute("id") == id).Element(Mpd + "SegmentTemplate")!.Attribute("startNumber")!;

    [Fact]
    public void The_mpd_path_follows_the_srs_template()
    {
        Assert.Equal("/mem/dash/live/cam.mpd", DashSegmenter.MpdPath(Settings(), StreamKey.DefaultVhost, "live", "cam", Now));
        Assert.Equal("/d/v.test/live/cam/index.mpd",
            DashSegmenter.MpdPath(Settings() with { Path = "/d", MpdFile = "[vhost]/[app]/[stream]/index.mpd" }, "v.test", "live", "cam", Now));
    }

    [Fact]
    public void Cuts_both_tracks_at_keyframes_into_numbered_segments_listed_in_a_timeline()
    {
        var segmenter = Segmenter(new DashStreamState(MpdFile));
        Feed(segmenter, SyntheticStream.Publish(10));
        segmenter.Finish();

        Assert.Equal(Enumerable.Range(0, 5).Select(n => $"{Root}/live/cam-video-{n}.m4s").Order(StringComparer.Ordinal), _files.Named(".m4s").Where(f => f.Contains("-video-")));
        Assert.Equal(5, _files.Named(".m4s").Count(f => f.Contains("-audio-")));
        Assert.Empty(_files.Named(".tmp"));
        var root = Read();
        Assert.Equal("dynamic", (string?)root.Attribute("type"));
        Assert.Equal("2026-12-01T22:00:00.000Z", (string?)root.Attribute("availabilityStartTime"));
        // The timeline is listed only as far as it is written: players re-read it once a fragment.
        Assert.Equal("PT2S", (string?)root.Attribute("minimumUpdatePeriod"));
        Assert.Equal("PT300S", (string?)root.Attribute("timeShiftBufferDepth"));
        var video = root.Descendants(Mpd + "Representation").Single(r => (string?)r.Attribute("id") == "video");
        Assert.StartsWith("avc1.", (string?)video.Attribute("codecs"));
        Assert.Equal("mp4a.40.2", (string?)root.Descendants(Mpd + "Representation").Single(r => (string?)r.Attribute("id") == "audio").Attribute("codecs"));
        Assert.Equal([(0L, 180000L), (180000, 180000), (360000, 180000), (540000, 180000), (720000, 180000)], Timeline(root, "video"));
        var audio = Timeline(root, "audio");
        Assert.Equal(5, audio.Count);
        for (var i = 1; i < audio.Count; i++)
        {
            // Each audio segment starts within a frame (23 ms at 44.1 kHz) of where the last one ended.
            Assert.InRange(audio[i].T - (audio[i - 1].T + audio[i - 1].D), -1100, 1100);
        }
        Assert.Equal(0, StartNumber(root, "video"));
    }

    [Fact]
    public void Each_track_has_its_own_init_segment_and_media_segments_start_at_their_listed_time()
    {
        var segmenter = Segmenter(new DashStreamState(MpdFile));
        Feed(segmenter, SyntheticStream.Publish(6));
        segmenter.Finish();

        var videoInit = _files.Read($"{Root}/live/cam-video-init.mp4");
        Assert.Single(BoxWalker.FindAll(videoInit, "moov/trak"));
        Assert.Single(BoxWalker.FindAll(videoInit, "moov/trak/mdia/minf/stbl/stsd/avc1"));
        var audioInit = _files.Read($"{Root}/live/cam-audio-init.mp4");
        Assert.Single(BoxWalker.FindAll(audioInit, "moov/trak"));
        Assert.Single(BoxWalker.FindAll(audioInit, "moov/trak/mdia/minf/stbl/stsd/mp4a"));

        var root = Read();
        foreach (var id in new[] { "video", "audio" })
        {
            var timeline = Timeline(root, id);
            for (var n = 0; n < timeline.Count; n++)
            {
                var segment = _files.Read($"{Root}/live/cam-{id}-{n}.m4s");
                var tfdts = BoxWalker.FindAll(segment, "moof/traf/tfdt");
                Assert.NotEmpty(tfdts);
                Assert.Equal(timeline[n].T, (long)BinaryPrimitives.ReadUInt64BigEndian(tfdts[0].FullBody(segment)));
            }
        }
    }

    [Fact]
    public void Segments_beyond_the_timeshift_window_leave_the_mpd_and_the_disk()
    {
        var segmenter = Segmenter(new DashStreamState(MpdFile), Settings(timeshift: 4));
        Feed(segmenter, SyntheticStream.Publish(10));
        segmenter.Finish();

        var root = Read();
        Assert.Equal(2, StartNumber(root, "video"));
        Assert.Equal([360000L, 540000, 720000], Timeline(root, "video").Select(s => s.T));
        Assert.False(_files.Exists($"{Root}/live/cam-video-0.m4s"));
        Assert.False(_files.Exists($"{Root}/live/cam-audio-1.m4s"));
        Assert.True(_files.Exists($"{Root}/live/cam-video-2.m4s"));
        Assert.True(_files.Exists($"{Root}/live/cam-video-init.mp4"));
    }

    [Fact]
    public void Without_cleanup_old_segments_leave_the_mpd_but_stay_on_disk()
    {
        var segmenter = Segmenter(new DashStreamState(MpdFile), Settings(timeshift: 4, cleanup: false));
        Feed(segmenter, SyntheticStream.Publish(10));
        segmenter.Finish();

        Assert.Equal(3, Timeline(Read(), "video").Count);
        Assert.True(_files.Exists($"{Root}/live/cam-video-0.m4s"));
    }

    [Fact]
    public void A_republish_starts_a_new_timeline_with_numbers_that_go_on()
    {
        var state = new DashStreamState(MpdFile);
        var first = Segmenter(state);
        Feed(first, SyntheticStream.Publish(4));
        first.Finish();
        Assert.Equal(2, state.NextNumber);

        var second = Segmenter(state);
        Feed(second, SyntheticStream.Publish(4, start: 90_000));
        second.Finish();

        var root = Read();
        Assert.Equal(2, StartNumber(root, "video"));
        Assert.Equal([(8_100_000L, 180000L), (8_280_000, 180000)], Timeline(root, "video"));
        Assert.False(_files.Exists($"{Root}/live/cam-video-0.m4s"));
        Assert.True(_files.Exists($"{Root}/live/cam-video-3.m4s"));
    }

    [Fact]
    public void Audio_only_streams_get_an_audio_representation_alone()
    {
        var segmenter = Segmenter(new DashStreamState(MpdFile));
        Feed(segmenter, SyntheticStream.Publish(6, video: false));
        segmenter.Finish();

        var root = Read();
        Assert.Equal(["audio"], root.Descendants(Mpd + "Representation").Select(r => (string?)r.Attribute("id")));
        Assert.InRange(Timeline(root, "audio").Count, 2, 3);
        Assert.DoesNotContain(_files.Named(".m4s"), f => f.Contains("-video-"));
    }

    [Fact]
    public void A_track_lists_only_its_segments_since_its_last_gap_so_numbers_stay_consecutive()
    {
        var segmenter = Segmenter(new DashStreamState(MpdFile));
        Feed(segmenter, SyntheticStream.Publish(4));
        // Two seconds without audio: segment 2 has video only.
        Feed(segmenter, SyntheticStream.Media(2, audio: false, start: 4000));
        Feed(segmenter, SyntheticStream.Media(4, start: 6000));
        segmenter.Finish();

        var root = Read();
        Assert.Equal(0, StartNumber(root, "video"));
        Assert.Equal(5, Timeline(root, "video").Count);
        Assert.Equal(3, StartNumber(root, "audio"));
        Assert.Equal(2, Timeline(root, "audio").Count);
    }

    [Fact]
    public void A_full_disk_drops_segments_but_keeps_the_last_good_mpd()
    {
        var segmenter = Segmenter(new DashStreamState(MpdFile));
        Feed(segmenter, SyntheticStream.Publish(4));
        var before = _files.Text(MpdFile);
        _files.Full = true;
        Feed(segmenter, SyntheticStream.Media(4, start: 4000));
        Assert.Equal(before, _files.Text(MpdFile));
        _files.Full = false;
        Feed(segmenter, SyntheticStream.Media(6, start: 8000));
        segmenter.Finish();

        Assert.Empty(_files.Named(".tmp"));
        var numbers = Timeline(Read(), "video");
        Assert.True(numbers.Count >= 3, "segments are listed again once the disk has room");
    }
}
