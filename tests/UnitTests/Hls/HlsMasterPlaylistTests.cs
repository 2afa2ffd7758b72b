using OrleansLive.GatewayEdge.Recording.Hls;

namespace OrleansLive.UnitTests.Hls;

public sealed class HlsMasterPlaylistTests
{
    [Fact]
    public void Each_variant_has_its_bitrates_size_and_codecs_and_unknown_ones_are_left_out()
    {
        var text = HlsMasterPlaylist.Build([
            new HlsVariant("cam.m3u8", 1_200_000, 1_000_000, 640, 360, "avc1.64001E,mp4a.40.2"),
            new HlsVariant("cam_480.m3u8", 400_000, 350_000, 320, 180, "avc1.42C00C,mp4a.40.2"),
            new HlsVariant("cam_audio.m3u8", 70_000, 0, 0, 0, ""),
        ]);
        Assert.Equal("""
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-INDEPENDENT-SEGMENTS
            #EXT-X-STREAM-INF:BANDWIDTH=1200000,AVERAGE-BANDWIDTH=1000000,RESOLUTION=640x360,CODECS="avc1.64001E,mp4a.40.2"
            cam.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=400000,AVERAGE-BANDWIDTH=350000,RESOLUTION=320x180,CODECS="avc1.42C00C,mp4a.40.2"
            cam_480.m3u8
            #EXT-X-STREAM-INF:BANDWIDTH=70000
            cam_audio.m3u8

            """.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Segments_and_bitrates_come_from_a_media_playlist()
    {
        var segments = HlsMasterPlaylist.Segments("""
            #EXTM3U
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:4
            #EXTINF:2.000,
            cam-4.ts
            #EXT-X-DISCONTINUITY
            #EXTINF:1.000,
            cam-5.ts?vhost=v
            #EXTINF:bad,
            cam-6.ts
            """);
        Assert.Equal([(2.0, "cam-4.ts"), (1.0, "cam-5.ts?vhost=v")], segments);

        // 250 kB in 2 s is 1 Mb/s, 250 kB in 1 s the peak of 2 Mb/s; 500 kB in 3 s average.
        Assert.Equal((2_000_000L, 1_333_334L), HlsMasterPlaylist.Bitrates([(2.0, 250_000L), (1.0, 250_000L), (0.0, 99L)]));
        Assert.Equal((0L, 0L), HlsMasterPlaylist.Bitrates([]));
        Assert.Equal("avc1.64001E", HlsMasterPlaylist.Codecs("avc1.64001E", null));
    }
}
