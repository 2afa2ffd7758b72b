using OrleansLive.Media.Containers.Hls;

namespace OrleansLive.UnitTests.Hls;

public class LowLatencyPlaylistTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>1 s segments of five 0.2 s parts; the last segment is left open with <paramref name="openParts"/> parts.</summary>
    private static LowLatencyPlaylist Playlist(int complete, int openParts = 0, double window = 60)
    {
        var playlist = new LowLatencyPlaylist("s-ll", segmentSeconds: 1, partSeconds: 0.2, windowSeconds: window);
        for (var i = 0; i < complete; i++)
        {
            playlist.BeginSegment("s-ll-init0.mp4", Start.AddSeconds(i), discontinuity: false);
            for (var p = 0; p < 5; p++)
            {
                playlist.AddPart(0.2, independent: p == 0);
            }
        }
        playlist.EndSegment();
        if (openParts > 0)
        {
            playlist.BeginSegment("s-ll-init0.mp4", Start.AddSeconds(complete), discontinuity: false);
            for (var p = 0; p < openParts; p++)
            {
                playlist.AddPart(0.2, independent: p == 0);
            }
        }
        return playlist;
    }

    [Fact]
    public void Renders_server_control_part_info_parts_and_the_preload_hint_of_the_next_part()
    {
        var text = Playlist(complete: 1, openParts: 2).Render();

        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n" +
            "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,CAN-SKIP-UNTIL=6.0,PART-HOLD-BACK=0.600\n" +
            "#EXT-X-PART-INF:PART-TARGET=0.200\n#EXT-X-MEDIA-SEQUENCE:0\n" +
            "#EXT-X-MAP:URI=\"s-ll-init0.mp4\"\n" +
            "#EXT-X-PROGRAM-DATE-TIME:2025-03-01T12:00:00.000Z\n" +
            "#EXT-X-PART:DURATION=0.200,URI=\"s-ll-0.0.m4s\",INDEPENDENT=YES\n" +
            "#EXT-X-PART:DURATION=0.200,URI=\"s-ll-0.1.m4s\"\n" +
            "#EXT-X-PART:DURATION=0.200,URI=\"s-ll-0.2.m4s\"\n" +
            "#EXT-X-PART:DURATION=0.200,URI=\"s-ll-0.3.m4s\"\n" +
            "#EXT-X-PART:DURATION=0.200,URI=\"s-ll-0.4.m4s\"\n" +
            "#EXTINF:1.000,\ns-ll-0.m4s\n" +
            "#EXT-X-PROGRAM-DATE-TIME:2025-03-01T12:00:01.000Z\n" +
            "#EXT-X-PART:DURATION=0.200,URI=\"s-ll-1.0.m4s\",INDEPENDENT=YES\n" +
            "#EXT-X-PART:DURATION=0.200,URI=\"s-ll-1.1.m4s\"\n" +
            "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s-ll-1.2.m4s\"\n",
            text);
    }

    [Fact]
    public void Parts_are_listed_only_for_the_last_three_target_durations_and_uris_carry_the_query()
    {
        var text = Playlist(complete: 6, openParts: 1).Render(uriQuery: "?vhost=v");

        Assert.DoesNotContain("URI=\"s-ll-1.0.m4s", text);
        Assert.DoesNotContain("URI=\"s-ll-2.4.m4s", text);
        Assert.Contains("#EXT-X-PART:DURATION=0.200,URI=\"s-ll-3.0.m4s?vhost=v\",INDEPENDENT=YES\n", text);
        Assert.Contains("#EXTINF:1.000,\ns-ll-0.m4s?vhost=v\n", text);
        Assert.Contains("#EXT-X-MAP:URI=\"s-ll-init0.mp4?vhost=v\"\n", text);
        Assert.EndsWith("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"s-ll-6.1.m4s?vhost=v\"\n", text);
    }

    [Fact]
    public void A_delta_update_skips_the_segments_before_the_skip_boundary()
    {
        var playlist = Playlist(complete: 10, openParts: 1);
        var text = playlist.Render(skip: true);

        // 10.2 s of media, CAN-SKIP-UNTIL 6 s: segments 0-3 end more than 6 s before the end.
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-SKIP:SKIPPED-SEGMENTS=4\n#EXT-X-MAP:URI=\"s-ll-init0.mp4\"\n", text);
        Assert.DoesNotContain("s-ll-3.m4s", text);
        Assert.Contains("#EXTINF:1.000,\ns-ll-4.m4s\n", text);
        Assert.DoesNotContain("EXT-X-SKIP", playlist.Render());
    }

    [Fact]
    public void The_window_drops_old_segments_and_counts_their_discontinuities()
    {
        var playlist = new LowLatencyPlaylist("s-ll", 1, 0.2, windowSeconds: 2);
        for (var i = 0; i < 4; i++)
        {
            playlist.BeginSegment("m", Start, discontinuity: i == 1);
            playlist.AddPart(1, true);
        }
        var removed = playlist.EndSegment();

        Assert.Equal([1L], removed.Select(s => s.Sequence));
        Assert.Equal([2L, 3L], playlist.Segments.Select(s => s.Sequence));
        Assert.Equal(1, playlist.DiscontinuitySequence);
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n", playlist.Render());
    }

    [Fact]
    public void An_ended_playlist_has_an_endlist_and_no_preload_hint_and_answers_every_request()
    {
        var playlist = Playlist(complete: 2, openParts: 2);
        playlist.End();

        var text = playlist.Render();
        Assert.EndsWith("#EXTINF:0.400,\ns-ll-2.m4s\n#EXT-X-ENDLIST\n", text);
        Assert.DoesNotContain("PRELOAD-HINT", text);
        Assert.Equal(BlockingReload.Ready, playlist.Check(9, 3));
    }

    [Theory]
    // Segments 0-1 complete, segment 2 open with parts 0-1.
    [InlineData(1, null, BlockingReload.Ready)]
    [InlineData(2, null, BlockingReload.Wait)]
    [InlineData(3, null, BlockingReload.Wait)]
    [InlineData(4, null, BlockingReload.TooFarAhead)]
    [InlineData(2, 1, BlockingReload.Ready)]
    [InlineData(1, 4, BlockingReload.Ready)]
    [InlineData(1, 7, BlockingReload.Ready)]
    [InlineData(0, 0, BlockingReload.Ready)]
    [InlineData(2, 2, BlockingReload.Wait)]
    [InlineData(2, 16, BlockingReload.Wait)]
    [InlineData(2, 17, BlockingReload.TooFarAhead)]
    [InlineData(3, 0, BlockingReload.Wait)]
    [InlineData(3, 15, BlockingReload.TooFarAhead)]
    public void A_blocking_reload_is_answered_when_its_part_or_a_later_one_exists(long msn, int? part, BlockingReload expected)
    {
        var playlist = Playlist(complete: 2, openParts: 2);
        Assert.Equal(15, playlist.AdvancePartLimit);
        Assert.Equal(expected, playlist.Check(msn, part));
    }

    [Fact]
    public void A_part_beyond_the_last_of_a_finished_segment_is_met_by_the_next_segment()
    {
        var playlist = Playlist(complete: 1);
        Assert.Equal(BlockingReload.Wait, playlist.Check(0, 5));
        playlist.BeginSegment("m", Start, false);
        Assert.Equal(BlockingReload.Wait, playlist.Check(0, 5));
        playlist.AddPart(0.2, true);
        Assert.Equal(BlockingReload.Ready, playlist.Check(0, 5));
    }
}
