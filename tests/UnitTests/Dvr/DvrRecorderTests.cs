using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording.Dvr;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.UnitTests.Mp4;
using OrleansLive.UnitTests.Recording;

namespace OrleansLive.UnitTests.Dvr;

public class DvrRecorderTests
{
    private readonly MemoryFileSystem _files = new();
    private readonly ListLogger _log = new();
    private readonly List<DvrFile> _opened = [];
    private readonly List<DvrFile> _closed = [];
    private DateTimeOffset _now = new(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

    private DvrRecorder Recorder(string plan = DvrPlans.Session, string path = "/mem/dvr/[app]/[stream].[timestamp].flv", double duration = 30, bool waitKeyframe = true) =>
        new(new DvrAssignment(plan, path, duration, waitKeyframe, "config"), StreamKey.DefaultVhost, "live", "cam", "client01", "gw-1",
            _files, _log, _opened.Add, _closed.Add, () => _now = _now.AddSeconds(1));

    private static void Feed(DvrRecorder recorder, IEnumerable<MediaFrame> frames)
    {
        foreach (var frame in frames)
        {
            recorder.Write(frame);
            frame.Release();
        }
        recorder.Flush();
    }

    private static List<FlvTag> Tags(byte[] file)
    {
        ReadOnlySpan<byte> data = file;
        Assert.True(FlvReader.TryReadFileHeader(ref data, out _, out _));
        var tags = new List<FlvTag>();
        while (FlvReader.TryReadTag(ref data, out var tag))
        {
            tags.Add(tag);
        }
        return tags;
    }

    [Fact]
    public void Session_plan_records_one_flv_with_headers_first_and_times_from_zero()
    {
        var recorder = Recorder();
        Feed(recorder, SyntheticStream.Publish(10, start: 60_000));
        recorder.Finish();

        var file = Assert.Single(_closed);
        Assert.Equal(Assert.Single(_opened).Path, file.Path);
        Assert.Equal($"/mem/dvr/live/cam.{_opened[0].StartUtc.Ticks / 10_000 - 62_135_596_800_000}.flv", file.Path);
        Assert.Equal("flv", file.Format);
        Assert.Equal(DvrPlans.Session, file.Plan);
        Assert.True(file.Closed);
        Assert.Equal(10.0, file.Duration, 1);
        Assert.Equal(_files.Read(file.Path).Length, file.Size);

        var tags = Tags(_files.Read(file.Path));
        Assert.Equal([FrameTypes.Script, FrameTypes.Video, FrameTypes.Audio], tags.Take(3).Select(t => t.Type));
        Assert.True(FlvVideo.IsSequenceHeader(tags[1].Data));
        var firstVideo = tags.Skip(3).First(t => t.Type == FrameTypes.Video);
        Assert.True(FlvVideo.IsKeyframe(firstVideo.Data));
        Assert.Equal(0u, firstVideo.Timestamp);
        Assert.Equal(9960u, tags.Last(t => t.Type == FrameTypes.Video).Timestamp);
        Assert.Equal(250, tags.Count(t => t.Type == FrameTypes.Video) - 1);
    }

    [Fact]
    public void Segment_plan_cuts_every_duration_on_keyframes()
    {
        var recorder = Recorder(DvrPlans.Segment, "/mem/dvr/[app]/[stream]-[15][04][05].flv", duration: 4);
        Feed(recorder, SyntheticStream.Publish(10));
        recorder.Finish();

        Assert.Equal(3, _closed.Count);
        Assert.Equal([4.0, 4.0, 2.0], _closed.Select(f => Math.Round(f.Duration, 1)));
        Assert.Equal(3, _closed.Select(f => f.Path).Distinct().Count());
        Assert.All(_closed, f => Assert.Matches(@"^/mem/dvr/live/cam-\d{6}\.flv$", f.Path));
        foreach (var file in _closed)
        {
            var tags = Tags(_files.Read(file.Path));
            Assert.Equal(FrameTypes.Script, tags[0].Type);
            Assert.True(FlvVideo.IsKeyframe(tags.First(t => t.Type == FrameTypes.Video && !FlvVideo.IsSequenceHeader(t.Data)).Data));
        }
    }

    [Fact]
    public void A_template_that_names_two_files_alike_numbers_the_second_instead_of_overwriting()
    {
        var recorder = Recorder(DvrPlans.Segment, "/mem/dvr/[stream].flv", duration: 2);
        Feed(recorder, SyntheticStream.Publish(4.5));
        recorder.Finish();
        Assert.Equal(["/mem/dvr/cam.flv", "/mem/dvr/cam.1.flv", "/mem/dvr/cam.2.flv"], _closed.Select(f => f.Path));
    }

    [Fact]
    public void Mp4_is_an_init_segment_then_one_fragment_per_gop()
    {
        var recorder = Recorder(path: "/mem/dvr/[app]/[stream].mp4");
        Feed(recorder, SyntheticStream.Publish(6));

        // While recording, the file already holds the init segment and every finished GOP.
        var partial = _files.Read("/mem/dvr/live/cam.mp4");
        Assert.Equal(["ftyp", "moov", "moof", "mdat", "moof", "mdat"], BoxWalker.Top(partial).Select(b => b.Type));

        recorder.Finish();
        var file = Assert.Single(_closed);
        Assert.Equal("mp4", file.Format);
        var data = _files.Read(file.Path);
        Assert.Equal(["ftyp", "moov", "moof", "mdat", "moof", "mdat", "moof", "mdat"], BoxWalker.Top(data).Select(b => b.Type));
        Assert.Equal(data.Length, file.Size);
    }

    [Fact]
    public void Mp4_starts_a_new_file_when_the_decoder_configuration_changes()
    {
        var recorder = Recorder(path: "/mem/dvr/[app]/[stream].mp4");
        Feed(recorder, SyntheticStream.Publish(3));
        var changed = OrleansLive.UnitTests.Ts.FlvTestVectors.AvcSequenceHeader(3000).Data.ToArray();
        changed[^1] ^= 0x01;
        recorder.Write(MediaFrame.Copy(FrameTypes.Video, 3000, changed, sequenceHeader: true));
        Feed(recorder, SyntheticStream.Media(3, start: 3000, gop: 25));
        recorder.Finish();

        Assert.Equal(["/mem/dvr/live/cam.mp4", "/mem/dvr/live/cam.1.mp4"], _closed.Select(f => f.Path));
        Assert.Equal(1, _log.Count(LogLevel.Information, "decoder configuration changed"));
    }

    [Fact]
    public void Flv_takes_a_new_decoder_configuration_in_place()
    {
        var recorder = Recorder();
        Feed(recorder, SyntheticStream.Publish(3));
        var changed = OrleansLive.UnitTests.Ts.FlvTestVectors.AvcSequenceHeader(3000).Data.ToArray();
        changed[^1] ^= 0x01;
        recorder.Write(MediaFrame.Copy(FrameTypes.Video, 3000, changed, sequenceHeader: true));
        Feed(recorder, SyntheticStream.Media(3, start: 3000));
        recorder.Finish();

        var tags = Tags(_files.Read(Assert.Single(_closed).Path));
        Assert.Equal(2, tags.Count(t => t.Type == FrameTypes.Video && FlvVideo.IsSequenceHeader(t.Data)));
    }

    [Fact]
    public void A_stream_without_keyframes_is_still_recorded_in_bounded_files()
    {
        var recorder = Recorder(DvrPlans.Segment, duration: 2);
        Feed(recorder, SyntheticStream.Publish(20, keyframes: false));
        recorder.Finish();

        Assert.NotEmpty(_closed);
        Assert.All(_closed, f => Assert.InRange(f.Duration, 0.1, (2 * DvrRecorder.MaxSegmentFactor) + 0.1));
        Assert.True(_log.Count(LogLevel.Warning, "no keyframe") >= 1);
    }

    [Fact]
    public void A_timestamp_jump_by_hours_keeps_the_file_duration_real()
    {
        var recorder = Recorder();
        Feed(recorder, SyntheticStream.Publish(4, start: 1000));
        Feed(recorder, SyntheticStream.Media(4, start: (uint)(1000 + 4000 + (5L * 3600 * 1000))));
        recorder.Finish();

        Assert.InRange(Assert.Single(_closed).Duration, 7.9, 8.2);
        var tags = Tags(_files.Read(_closed[0].Path));
        Assert.InRange(tags.Max(t => t.Timestamp), 7900u, 8100u);
    }

    [Fact]
    public void A_full_disk_keeps_what_was_written_then_recording_resumes_in_a_new_file()
    {
        var recorder = Recorder(DvrPlans.Session);
        Feed(recorder, SyntheticStream.Publish(3));
        var first = Assert.Single(_opened).Path;

        _files.Full = true;
        Feed(recorder, SyntheticStream.Media(10, start: 3000).Select(f => f).ToList());
        var kept = _files.Read(first);
        Assert.Equal(1, _log.Count(LogLevel.Error, "failed"));
        var closed = Assert.Single(_closed);
        Assert.Equal(first, closed.Path);
        Assert.Equal(kept.Length, closed.Size);
        var tags = Tags(kept);
        Assert.InRange(tags.Max(t => t.Timestamp), 2900u, 3100u);

        _files.Full = false;
        Feed(recorder, SyntheticStream.Media(4, start: 13_000));
        recorder.Finish();

        Assert.Equal(kept, _files.Read(first));
        Assert.Equal(2, _closed.Count);
        Assert.NotEqual(first, _closed[1].Path);
        Assert.Equal(1, _log.Count(LogLevel.Information, "recording again"));
        Assert.True(FlvVideo.IsKeyframe(Tags(_files.Read(_closed[1].Path)).First(t => t.Type == FrameTypes.Video && !FlvVideo.IsSequenceHeader(t.Data)).Data));
    }
}
