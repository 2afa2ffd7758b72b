using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording.Hls;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.UnitTests.Mp4;
using OrleansLive.UnitTests.MpegTs;
using OrleansLive.UnitTests.Recording;

namespace OrleansLive.UnitTests.Hls;

public class HlsSegmenterTests
{
    private const string Root = "/mem/hls";
    private const string Playlist = Root + "/live/cam.m3u8";

    private readonly MemoryFileSystem _files = new();
    private readonly ListLogger _log = new();
    private readonly List<HlsSegmentClosed> _closed = [];

    private static HlsSettings Settings(double fragment = 2, double window = 60, bool fmp4 = false, bool waitKeyframe = true) =>
        new(Enabled: true, Fragment: fragment, Window: window, Path: Root, Fmp4: fmp4, WaitKeyframe: waitKeyframe);

    private HlsSegmenter Segmenter(HlsStreamState state, HlsSettings? settings = null) =>
        new(settings ?? Settings(), StreamKey.DefaultVhost, "live", "cam", state, _files, _log, _closed.Add);

    private static HlsStreamState State(double fragment = 2) => new(Playlist, fragment);

    private static void Feed(HlsSegmenter segmenter, IEnumerable<MediaFrame> frames)
    {
        foreach (var frame in frames)
        {
            segmenter.Write(frame);
            frame.Release();
        }
        segmenter.Flush();
    }

    /// <summary>(sequence, duration, uri, discontinuity) of each segment in the playlist text.</summary>
    private static List<(string Uri, double Duration, bool Discontinuity)> Parse(string m3u8)
    {
        var lines = m3u8.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("#EXTM3U", lines[0]);
        var result = new List<(string, double, bool)>();
        var discontinuity = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] == "#EXT-X-DISCONTINUITY")
            {
                discontinuity = true;
            }
            else if (lines[i].StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var duration = double.Parse(lines[i][8..].TrimEnd(','), CultureInfo.InvariantCulture);
                result.Add((lines[i + 1], duration, discontinuity));
                discontinuity = false;
            }
        }
        return result;
    }

    [Fact]
    public void Cuts_on_keyframes_every_fragment_and_lists_segments_that_start_with_a_keyframe()
    {
        var segmenter = Segmenter(State());
        Feed(segmenter, SyntheticStream.Publish(10));
        segmenter.Finish();

        var text = _files.Text(Playlist);
        Assert.Contains("#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n", text);
        Assert.EndsWith("#EXT-X-ENDLIST\n", text);
        var segments = Parse(text);
        Assert.Equal(["cam-0.ts", "cam-1.ts", "cam-2.ts", "cam-3.ts", "cam-4.ts"], segments.Select(s => s.Uri));
        Assert.All(segments, s => Assert.Equal(2.0, s.Duration, 3));
        Assert.Equal(5, _closed.Count);
        Assert.Equal([0L, 1, 2, 3, 4], _closed.Select(c => c.Sequence));
        Assert.Equal("live/cam.m3u8", _closed[0].M3u8Url);
        Assert.Equal("cam-0.ts", _closed[0].Url);
        Assert.Equal(Root + "/live/cam-0.ts", _closed[0].File);

        for (var i = 0; i < 5; i++)
        {
            var reader = DemuxHarness.Demux(_files.Read($"{Root}/live/cam-{i}.ts"));
            var pes = reader.Pes;
            Assert.Equal(0, reader.SyncErrors);
            Assert.True(reader.Demuxer.Counters.PatCount >= 1 && reader.Demuxer.Counters.PmtCount >= 1);
            var video = pes.Where(p => p.Pid == TsMuxer.VideoPid).ToList();
            Assert.Equal(50, video.Count);
            Assert.True(video[0].RandomAccess);
            Assert.Equal(i * 2000 * 90L, video[0].Dts);
            Assert.Contains(pes, p => p.Pid == TsMuxer.AudioPid);
        }
        Assert.Empty(_files.Named(".tmp"));
    }

    [Fact]
    public void The_window_keeps_recent_segments_and_cleanup_deletes_the_rest()
    {
        var segmenter = Segmenter(State(), Settings(window: 5));
        Feed(segmenter, SyntheticStream.Publish(12));

        var segments = Parse(_files.Text(Playlist));
        Assert.Equal(["cam-3.ts", "cam-4.ts"], segments.Select(s => s.Uri));
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:3\n", _files.Text(Playlist));
        Assert.Equal([Root + "/live/cam-3.ts", Root + "/live/cam-4.ts", Root + "/live/cam-5.ts.tmp"], _files.Named(".ts").Concat(_files.Named(".tmp")));
    }

    [Fact]
    public void A_republish_continues_the_playlist_behind_a_discontinuity()
    {
        var state = State();
        var first = Segmenter(state);
        Feed(first, SyntheticStream.Publish(4));
        first.Finish();
        Assert.EndsWith("#EXT-X-ENDLIST\n", _files.Text(Playlist));

        // The encoder restarts: timestamps from 0 again.
        var second = Segmenter(state);
        Feed(second, SyntheticStream.Publish(4));
        second.Finish();

        var segments = Parse(_files.Text(Playlist));
        Assert.Equal(["cam-0.ts", "cam-1.ts", "cam-2.ts", "cam-3.ts"], segments.Select(s => s.Uri));
        Assert.Equal([false, false, true, false], segments.Select(s => s.Discontinuity));
        Assert.True(_closed[2].Discontinuity);
    }

    [Fact]
    public void A_stream_without_keyframes_still_gets_bounded_segments()
    {
        var segmenter = Segmenter(State());
        Feed(segmenter, SyntheticStream.Publish(20, keyframes: false));
        segmenter.Finish();

        var segments = Parse(_files.Text(Playlist));
        Assert.NotEmpty(segments);
        Assert.All(segments, s => Assert.InRange(s.Duration, 0.1, 2 * HlsSegmenter.MaxSegmentFactor + 0.05));
        Assert.True(_log.Count(LogLevel.Warning, "no keyframe") >= 1);
    }

    [Fact]
    public void Audio_only_streams_cut_on_any_frame()
    {
        var segmenter = Segmenter(State());
        Feed(segmenter, SyntheticStream.Publish(7, video: false));
        segmenter.Finish();

        var segments = Parse(_files.Text(Playlist));
        Assert.Equal(4, segments.Count);
        Assert.All(segments.SkipLast(1), s => Assert.InRange(s.Duration, 2.0, 2.03));
    }

    [Fact]
    public void A_decoder_change_mid_stream_starts_a_new_segment_behind_a_discontinuity()
    {
        var segmenter = Segmenter(State());
        Feed(segmenter, SyntheticStream.Publish(3));
        // A new SPS/PPS at 3 s (a resolution change, say), then the next keyframe.
        var changed = OrleansLive.UnitTests.Ts.FlvTestVectors.AvcSequenceHeader(3000).Data.ToArray();
        changed[^1] ^= 0x01;
        segmenter.Write(MediaFrame.Copy(FrameTypes.Video, 3000, changed));
        Feed(segmenter, SyntheticStream.Media(3, start: 3000, gop: 25));
        segmenter.Finish();

        var segments = Parse(_files.Text(Playlist));
        Assert.Equal([false, false, true, false], segments.Select(s => s.Discontinuity));
        Assert.Equal([2.0, 1.0, 2.0, 1.0], segments.Select(s => Math.Round(s.Duration, 3)));
        Assert.Equal(1, _log.Count(LogLevel.Information, "decoder configuration changed"));
    }

    [Theory]
    [InlineData(3L * 3600 * 1000)]
    [InlineData(-3L * 3600 * 1000)]
    public void Timestamps_jumping_by_hours_keep_segment_durations_sane(long jump)
    {
        var segmenter = Segmenter(State());
        var start = (uint)(5L * 3600 * 1000);
        Feed(segmenter, SyntheticStream.Publish(4, start: start));
        Feed(segmenter, SyntheticStream.Media(4, start: (uint)(start + 4000 + jump)));
        segmenter.Finish();

        var segments = Parse(_files.Text(Playlist));
        Assert.Equal(4, segments.Count);
        Assert.All(segments, s => Assert.InRange(s.Duration, 1.9, 2.1));
        Assert.True(segmenter.TimestampJumps >= 2);
        Assert.True(_log.Count(LogLevel.Warning, "jumped") >= 2);
    }

    [Fact]
    public void A_full_disk_drops_segments_keeps_the_playlist_valid_and_leaves_existing_files_alone()
    {
        var segmenter = Segmenter(State());
        Feed(segmenter, SyntheticStream.Publish(4.5));
        var before = _files.Files.ToDictionary(f => f.Key, f => f.Value.ToArray());
        Assert.Equal(2, Parse(_files.Text(Playlist)).Count);

        _files.Full = true;
        Feed(segmenter, SyntheticStream.Media(4, start: 4520));

        Assert.Equal(1, _log.Count(LogLevel.Error, "failed"));
        Assert.True(_files.FailedWrites >= 2);
        foreach (var (path, content) in before.Where(f => !f.Key.EndsWith(".tmp", StringComparison.Ordinal)))
        {
            Assert.Equal(content, _files.Read(path));
        }
        Assert.Empty(_files.Named(".tmp"));

        _files.Full = false;
        Feed(segmenter, SyntheticStream.Media(6, start: 8520, gop: 50));
        segmenter.Finish();

        var segments = Parse(_files.Text(Playlist));
        Assert.Equal(["cam-0.ts", "cam-1.ts", "cam-2.ts", "cam-3.ts", "cam-4.ts"], segments.Select(s => s.Uri));
        Assert.Equal([false, false, true, false, false], segments.Select(s => s.Discontinuity));
        Assert.Equal(1, _log.Count(LogLevel.Information, "writing segments again"));
        Assert.All(segments.Select(s => s.Uri), uri => Assert.True(_files.Exists($"{Root}/live/{uri}")));
    }

    [Fact]
    public void Fmp4_segments_follow_an_init_segment_named_in_ext_x_map()
    {
        var segmenter = Segmenter(State(), Settings(fmp4: true));
        Feed(segmenter, SyntheticStream.Publish(6));
        segmenter.Finish();

        var text = _files.Text(Playlist);
        Assert.Contains("#EXT-X-VERSION:7\n", text);
        Assert.Contains("#EXT-X-MAP:URI=\"cam-init0.mp4\"\n", text);
        Assert.Equal(["cam-0.m4s", "cam-1.m4s", "cam-2.m4s"], Parse(text).Select(s => s.Uri));

        var init = _files.Read(Root + "/live/cam-init0.mp4");
        Assert.Equal(["ftyp", "moov"], BoxWalker.Top(init).Select(b => b.Type));
        Assert.Equal(2, BoxWalker.FindAll(init, "moov/trak").Count);
        for (var i = 0; i < 3; i++)
        {
            var segment = _files.Read($"{Root}/live/cam-{i}.m4s");
            var boxes = BoxWalker.Top(segment).Select(b => b.Type).ToList();
            Assert.Equal("moof", boxes[0]);
            Assert.Equal(boxes.Count, boxes.Count(b => b is "moof" or "mdat"));
        }
    }

    [Fact]
    public async Task Low_latency_cuts_parts_of_at_most_the_part_target_each_segment_starting_with_an_independent_one()
    {
        var settings = Settings(fragment: 1) with { LowLatency = true, PartSeconds = 0.2 };
        var live = new LowLatencyHlsStream("cam", 1, 0.2, 12);
        var start = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var now = start;
        var segmenter = new HlsSegmenter(settings, StreamKey.DefaultVhost, "live", "cam", State(1), _files, _log, _closed.Add, () => now, live);
        foreach (var frame in SyntheticStream.Publish(4, gop: 25))
        {
            // Frames arrive 100 ms after their timestamps, but the first second late, as a GOP cache hands it over.
            now = start + TimeSpan.FromMilliseconds(frame.Timestamp + (frame.Timestamp < 1000 ? 900 : 100));
            segmenter.Write(frame);
            frame.Release();
        }
        segmenter.Flush();

        var (answer, text) = await live.PlaylistAsync(null, null, false, "", CancellationToken.None);
        Assert.Equal(LowLatencyAnswer.Ok, answer);
        var lines = text!.Split('\n');
        var parts = lines.Where(l => l.StartsWith("#EXT-X-PART:", StringComparison.Ordinal)).ToList();
        Assert.All(parts, p => Assert.InRange(double.Parse(p.Split(',')[0][22..], CultureInfo.InvariantCulture), 0.15, 0.2));
        // 25 fps, a keyframe a second: five parts a segment, the first of each independent.
        Assert.Contains("#EXT-X-PART:DURATION=0.200,URI=\"cam-ll-1.0.m4s\",INDEPENDENT=YES", lines);
        Assert.Contains("#EXT-X-PART:DURATION=0.200,URI=\"cam-ll-1.4.m4s\"", lines);
        Assert.Equal(4, parts.Count(p => p.EndsWith("INDEPENDENT=YES", StringComparison.Ordinal)));
        // A segment's date is its timestamp on the clock of the most promptly delivered frame seen so far.
        var dates = lines.Where(l => l.StartsWith("#EXT-X-PROGRAM-DATE-TIME:", StringComparison.Ordinal))
            .Select(l => DateTimeOffset.Parse(l[25..], CultureInfo.InvariantCulture) - start).ToList();
        Assert.Equal([900.0, 1100, 2100, 3100], dates.Select(d => d.TotalMilliseconds));
        Assert.Contains("#EXT-X-MAP:URI=\"cam-ll-init0.mp4\"", lines);

        // A segment is the concatenation of its parts, and the same bytes as the segment file on disk.
        var whole = (await live.ResourceAsync("cam-ll-1.m4s", CancellationToken.None)).Bytes!;
        var concatenated = new List<byte>();
        for (var p = 0; p < 5; p++)
        {
            var part = (await live.ResourceAsync($"cam-ll-1.{p}.m4s", CancellationToken.None)).Bytes!;
            Assert.Equal("moof", BoxWalker.Top(part)[0].Type);
            concatenated.AddRange(part);
        }
        Assert.Equal(concatenated, whole);
        Assert.True(_files.Exists(Root + "/live/cam-1.m4s"), string.Join(", ", _files.Files.Keys));
        Assert.Equal(_files.Read(Root + "/live/cam-1.m4s"), whole);

        segmenter.Finish();
        Assert.EndsWith("#EXT-X-ENDLIST\n", (await live.PlaylistAsync(null, null, false, "", CancellationToken.None)).Text);
    }

    [Fact]
    public async Task Low_latency_goes_on_from_memory_while_the_disk_is_full()
    {
        var settings = Settings(fragment: 1) with { LowLatency = true };
        var live = new LowLatencyHlsStream("cam", 1, 0.2, 30);
        var segmenter = new HlsSegmenter(settings, StreamKey.DefaultVhost, "live", "cam", State(1), _files, _log, _closed.Add, live: live);
        Feed(segmenter, SyntheticStream.Publish(3, gop: 25));
        _files.Full = true;
        Feed(segmenter, SyntheticStream.Media(4, gop: 25, start: 3000));
        _files.Full = false;
        Feed(segmenter, SyntheticStream.Media(3, gop: 25, start: 7000));

        var text = (await live.PlaylistAsync(null, null, false, "", CancellationToken.None)).Text!;
        // Every second is in memory, without a discontinuity; the disk lost the full ones and resumed behind one.
        Assert.Equal(9, text.Split('\n').Count(l => l.StartsWith("#EXTINF:1.000,", StringComparison.Ordinal)));
        Assert.DoesNotContain("#EXT-X-DISCONTINUITY\n", text);
        var disk = Parse(_files.Text(Playlist));
        Assert.True(disk.Count is >= 3 and <= 6, string.Join(",", disk.Select(d => d.Uri)));
        Assert.Single(disk, d => d.Discontinuity);
        Assert.Equal(1, _log.Count(LogLevel.Error, "failed"));
    }
}
