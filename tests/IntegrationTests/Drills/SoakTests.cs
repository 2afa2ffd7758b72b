using OrleansLive.LoadTool.Drills;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Drills;

/// <summary>The soak of infra/soak.sh in small: the all-in-one server with HLS and DVR, 4 publishers
/// (RTMP and SRT) and 40 churning viewers of every kind for a minute and a half, judged by the same checks.</summary>
public sealed class SoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_short_soak_passes_every_check()
    {
        var dir = Directory.CreateTempSubdirectory("orleanslive-soak-").FullName;
        try
        {
            var options = new SoakOptions
            {
                SiloDll = Path.Combine(AppContext.BaseDirectory, "OrleansLive.Silo.dll"),
                Directory = dir,
                Minutes = 1.5,
                RtmpPublishers = 3,
                SrtPublishers = 1,
                Players = 40,
                MinPlaySeconds = 5,
                MaxPlaySeconds = 30,
                SampleSeconds = 5,
                // A minute and a half is mostly the server's warm-up (its GC heap still grows to its working size): this
                // catches a leak per player of a few hundred KB; infra/soak.sh's hour holds the 5% limit.
                MaxRssGrowthPercent = 20,
            };
            var log = new StringWriter();

            var result = await new SoakDrill(options, log).RunAsync().WaitAsync(TimeSpan.FromMinutes(10));

            var report = SoakDrill.Report(result);
            output.WriteLine(report);
            Assert.True(result.Passed, report + log);
            Assert.Contains(result.Players, p => p.Kind == "hls");
            Assert.Contains(result.Players, p => p.Kind == "whep");
            Assert.Contains(result.Players, p => p.Kind == "srt");
            Assert.True(File.ReadAllLines(Path.Combine(dir, "soak.csv")).Length > 20, "a sample every 5 s");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Rss_growth_is_the_least_squares_line_over_the_window_after_a_third_of_the_churn()
    {
        static SoakSample At(double seconds, string phase, long rssKiB) =>
            new(seconds, phase, rssKiB, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        // Churn from 0 to 300 s: fast growth in the warm-up, then 1% over the window with noise.
        var samples = new List<SoakSample> { At(-10, "publishers", 50_000) };
        for (var t = 0; t <= 300; t += 10)
        {
            var rss = t < 100 ? 60_000 + (t * 400) : 100_000 + ((t - 100) * 5) + (t % 20 == 0 ? 300 : -300);
            samples.Add(At(t, "churn", rss));
        }
        samples.Add(At(310, "leaving", 200_000));

        var (from, to) = SoakVerdict.Window(samples);
        var (percent, start, _, count) = SoakVerdict.RssGrowth(samples);

        Assert.Equal((100, 300), (from, to));
        Assert.Equal(21, count);
        Assert.InRange(start, 99_500, 100_500);
        Assert.InRange(percent, 0.8, 1.2);
    }

    [Fact]
    public void An_hls_playlist_gives_its_target_duration_sequence_and_segments()
    {
        var playlist = OrleansLive.LoadTool.HlsPlayer.Parse("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:41\n#EXTINF:2.000,\ns-41.ts\n#EXTINF:2.000,\ns-42.ts?vhost=v\n");

        Assert.Equal(2, playlist.TargetSeconds);
        Assert.Equal(41, playlist.MediaSequence);
        Assert.Equal(["s-41.ts", "s-42.ts?vhost=v"], playlist.Segments);
        Assert.False(playlist.Ended);
        Assert.True(OrleansLive.LoadTool.HlsPlayer.Parse("#EXTM3U\n#EXT-X-ENDLIST\n").Ended);
    }
}
