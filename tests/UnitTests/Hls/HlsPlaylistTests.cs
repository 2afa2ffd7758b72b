using OrleansLive.GatewayEdge.Recording.Hls;

namespace OrleansLive.UnitTests.Hls;

public class HlsPlaylistTests
{
    private static HlsEntry Entry(long seq, double duration, bool discontinuity = false, string? map = null) =>
        new(seq, $"/hls/live/s-{seq}.ts", $"s-{seq}.ts", duration, discontinuity, map, map is null ? null : "/hls/live/" + map);

    [Fact]
    public void Renders_version_target_duration_media_sequence_and_segments()
    {
        var playlist = new HlsPlaylist(10);
        playlist.Add(Entry(0, 10.0));
        playlist.Add(Entry(1, 9.96));
        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n" +
            "#EXTINF:10.000,\ns-0.ts\n#EXTINF:9.960,\ns-1.ts\n",
            playlist.Render());
    }

    [Fact]
    public void Target_duration_covers_the_longest_segment_rounded_and_never_shrinks()
    {
        var playlist = new HlsPlaylist(2);
        playlist.Add(Entry(0, 2.4));
        Assert.Equal(2, playlist.TargetDuration);
        playlist.Add(Entry(1, 6.5));
        Assert.Equal(7, playlist.TargetDuration);
        playlist.Trim(3);
        Assert.Equal(7, playlist.TargetDuration);
    }

    [Fact]
    public void Trimming_to_the_window_drops_the_oldest_and_counts_discontinuities()
    {
        var playlist = new HlsPlaylist(2);
        playlist.Add(Entry(0, 2));
        playlist.Add(Entry(1, 2, discontinuity: true));
        playlist.Add(Entry(2, 2));
        playlist.Add(Entry(3, 2, discontinuity: true));

        var removed = playlist.Trim(4.5);

        Assert.Equal([0L, 1L], removed.Select(e => e.Sequence));
        Assert.Equal(1, playlist.DiscontinuitySequence);
        var text = playlist.Render();
        Assert.Contains("#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXTINF:2.000,\ns-2.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\ns-3.ts\n", text);
    }

    [Fact]
    public void A_window_shorter_than_one_segment_keeps_the_newest()
    {
        var playlist = new HlsPlaylist(10);
        playlist.Add(Entry(0, 10));
        playlist.Add(Entry(1, 10));
        playlist.Trim(1);
        Assert.Equal(1, Assert.Single(playlist.Entries).Sequence);
    }

    [Fact]
    public void Fmp4_playlists_are_version_7_with_a_map_before_each_new_init_segment()
    {
        var playlist = new HlsPlaylist(2) { };
        playlist.Add(Entry(0, 2, map: "s-init0.mp4"));
        playlist.Add(Entry(1, 2, map: "s-init0.mp4"));
        playlist.Add(Entry(2, 2, discontinuity: true, map: "s-init2.mp4"));
        playlist.Ended = true;
        Assert.Equal(
            "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n" +
            "#EXT-X-MAP:URI=\"s-init0.mp4\"\n#EXTINF:2.000,\ns-0.ts\n#EXTINF:2.000,\ns-1.ts\n" +
            "#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"s-init2.mp4\"\n#EXTINF:2.000,\ns-2.ts\n#EXT-X-ENDLIST\n",
            playlist.Render());
    }

    [Fact]
    public void A_playlist_served_with_a_query_passes_it_on_to_segment_and_map_uris()
    {
        var playlist = "#EXTM3U\n#EXT-X-MAP:URI=\"s-init0.mp4\"\n#EXTINF:2.000,\ns-0.m4s\n#EXTINF:2.000,\ns-1.m4s?x=1\n";
        Assert.Equal(
            "#EXTM3U\n#EXT-X-MAP:URI=\"s-init0.mp4?vhost=v\"\n#EXTINF:2.000,\ns-0.m4s?vhost=v\n#EXTINF:2.000,\ns-1.m4s?x=1&vhost=v\n",
            HlsFileServer.WithQuery(playlist, "?vhost=v"));
    }
}
