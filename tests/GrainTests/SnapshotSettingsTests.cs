using Microsoft.Extensions.Configuration;
using OrleansLive.Grains;
using OrleansLive.Interfaces;
using OrleansLive.Silo.Api;

namespace OrleansLive.GrainTests;

/// <summary>"Vhosts:&lt;name&gt;:Snapshot" as configured, and the snapshot in a stream's API object.</summary>
public sealed class SnapshotSettingsTests
{
    private static SnapshotSettings Bind(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create<string, string?>("Vhosts:v:Snapshot:" + v.Key, v.Value)))
            .Build();
        return (configuration.GetSection("Vhosts:v").Get<VhostOptions>() ?? new VhostOptions()).ToSettings().Snapshot;
    }

    [Fact]
    public void Snapshots_are_off_by_default_every_10_seconds_at_the_published_size()
    {
        Assert.Equal(new SnapshotSettings(Enabled: false, IntervalSeconds: 10, Width: 0, Ffmpeg: "ffmpeg"), new VhostOptions().ToSettings().Snapshot);
        Assert.Equal(new SnapshotSettings(), Bind());
    }

    [Fact]
    public void The_configured_values_are_taken()
    {
        Assert.Equal(new SnapshotSettings(true, 2.5, 320, "/usr/local/bin/ffmpeg"),
            Bind(("Enabled", "true"), ("IntervalSeconds", "2.5"), ("Width", "320"), ("Ffmpeg", " /usr/local/bin/ffmpeg ")));
    }

    [Theory]
    [InlineData("0", "0", 1, 0)]
    [InlineData("-5", "-1", 1, 0)]
    [InlineData("0.2", "321", 1, 320)]
    [InlineData("60", "1", 60, 2)]
    [InlineData("10", "100000", 10, SnapshotSettings.MaxWidth)]
    public void An_interval_below_a_second_and_odd_or_huge_widths_are_made_usable(string interval, string width, double expectedInterval, int expectedWidth)
    {
        var settings = Bind(("Enabled", "true"), ("IntervalSeconds", interval), ("Width", width), ("Ffmpeg", ""));
        Assert.Equal(expectedInterval, settings.IntervalSeconds);
        Assert.Equal(expectedWidth, settings.Width);
        Assert.Equal("ffmpeg", settings.Ffmpeg);
    }

    [Fact]
    public void A_stream_with_a_snapshot_lists_its_path_on_the_gateway_and_one_without_lists_none()
    {
        var taken = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var stream = new StreamSnapshot("vid-1", "snap.test", "live/sub", "cam 1", "rtmp://h/live", true, "c1", "gw1", 1, 10, 0, 0, 0, 0, null, null, taken)
        {
            Snapshot = new SnapshotImageInfo("gw1", taken, 320, 180, 12345),
        };

        var json = SrsJson.Stream(stream, "vid-vhost", taken)["snapshot"]!;

        Assert.Equal("/live/sub/cam%201.jpg?vhost=snap.test", (string?)json["url"]);
        Assert.Equal("gw1", (string?)json["gateway"]);
        Assert.Equal(SrsJson.UnixMs(taken), (long?)json["time_ms"]);
        Assert.Equal(320, (int?)json["width"]);
        Assert.Equal(180, (int?)json["height"]);
        Assert.Equal(12345, (int?)json["bytes"]);
        Assert.False(SrsJson.Stream(stream with { Snapshot = null }, "vid-vhost", taken).ContainsKey("snapshot"));
        Assert.Equal("/live/s.jpg", SrsJson.SnapshotPath(StreamKey.DefaultVhost, "live", "s"));
    }
}
