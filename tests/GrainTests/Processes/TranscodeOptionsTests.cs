using Microsoft.Extensions.Configuration;
using OrleansLive.Grains;
using OrleansLive.Grains.Config;

namespace OrleansLive.GrainTests.Processes;

/// <summary>"Vhosts:&lt;name&gt;:Transcode" as configured, into the settings the gateways run, and its checks.</summary>
public sealed class TranscodeOptionsTests
{
    private static VhostOptions Bind(Dictionary<string, string?> values)
    {
        var options = new VhostOptions();
        new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Vhosts:v").Bind(options);
        return options;
    }

    [Fact]
    public void Enabled_engines_become_settings_in_name_order_with_defaults()
    {
        var settings = Bind(new()
        {
            ["Vhosts:v:Transcode:Enabled"] = "true",
            ["Vhosts:v:Transcode:App"] = "/live/",
            ["Vhosts:v:Transcode:Engines:720:Width"] = "1280",
            ["Vhosts:v:Transcode:Engines:720:Height"] = "720",
            ["Vhosts:v:Transcode:Engines:720:VideoBitrateKbps"] = "2500",
            ["Vhosts:v:Transcode:Engines:720:Fps"] = "29.97",
            ["Vhosts:v:Transcode:Engines:720:Profile"] = "main",
            ["Vhosts:v:Transcode:Engines:720:AudioCodec"] = "libfdk_aac",
            ["Vhosts:v:Transcode:Engines:720:AudioBitrateKbps"] = "128",
            ["Vhosts:v:Transcode:Engines:720:ExtraArgs"] = "-threads 2",
            ["Vhosts:v:Transcode:Engines:480:Height"] = "480",
            ["Vhosts:v:Transcode:Engines:audio:VideoCodec"] = "VN",
            ["Vhosts:v:Transcode:Engines:audio:Output"] = "rtmp://127.0.0.1:[port]/radio/[stream]",
            ["Vhosts:v:Transcode:Engines:off:Enabled"] = "false",
        }).ToSettings().Transcode;

        Assert.NotNull(settings);
        Assert.Equal("live", settings.App);
        Assert.Equal("ffmpeg", settings.Ffmpeg);
        Assert.Equal(["480", "720", "audio"], settings.Engines.Select(e => e.Name));
        var hd = settings.Engines[1];
        Assert.Equal(("libx264", 2500, 1280, 720, 29.97, "main", "veryfast"), (hd.VideoCodec, hd.VideoBitrateKbps, hd.Width, hd.Height, hd.Fps, hd.Profile, hd.Preset));
        Assert.Equal(("aac", 128, "-threads 2"), (hd.AudioCodec, hd.AudioBitrateKbps, hd.ExtraArgs));
        Assert.Equal("rtmp://127.0.0.1:[port]/[app]/[stream]_[engine]?vhost=[vhost]", hd.Output);
        var sd = settings.Engines[0];
        Assert.Equal((0, 480, 0, "aac"), (sd.Width, sd.Height, sd.VideoBitrateKbps, sd.AudioCodec));
        Assert.Equal(("vn", "rtmp://127.0.0.1:[port]/radio/[stream]"), (settings.Engines[2].VideoCodec, settings.Engines[2].Output));
        Assert.Empty(VhostConfigValidator.Validate("v", Bind(new() { ["Vhosts:v:Transcode:Enabled"] = "true", ["Vhosts:v:Transcode:Engines:480:Height"] = "480" })));
    }

    [Fact]
    public void Transcode_is_off_unless_enabled_with_an_enabled_engine()
    {
        Assert.Null(Bind(new() { ["Vhosts:v:Transcode:Engines:480:Height"] = "480" }).ToSettings().Transcode);
        Assert.Null(Bind(new() { ["Vhosts:v:Transcode:Enabled"] = "true" }).ToSettings().Transcode);
        Assert.Null(Bind(new() { ["Vhosts:v:Transcode:Enabled"] = "true", ["Vhosts:v:Transcode:Engines:480:Enabled"] = "false" }).ToSettings().Transcode);
    }

    [Fact]
    public void Unknown_codecs_odd_sizes_negative_numbers_and_bad_names_are_refused()
    {
        var errors = VhostConfigValidator.Validate("v", Bind(new()
        {
            ["Vhosts:v:Transcode:Enabled"] = "true",
            ["Vhosts:v:Transcode:Engines:a:VideoCodec"] = "libx265",
            ["Vhosts:v:Transcode:Engines:b:AudioCodec"] = "opus",
            ["Vhosts:v:Transcode:Engines:c:Width"] = "321",
            ["Vhosts:v:Transcode:Engines:d:VideoBitrateKbps"] = "-1",
            ["Vhosts:v:Transcode:Engines:e f:Height"] = "180",
        }));
        Assert.Equal(5, errors.Count);
        Assert.Contains("Vhosts:v:Transcode:Engines:a:VideoCodec 'libx265' is not libx264, copy or vn", errors);
        Assert.Contains("Vhosts:v:Transcode:Engines:b:AudioCodec 'opus' is not aac, copy or an", errors);
        Assert.Contains(errors, e => e.StartsWith("Vhosts:v:Transcode:Engines:c:", StringComparison.Ordinal) && e.Contains("even", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Vhosts:v:Transcode:Engines:d:", StringComparison.Ordinal) && e.Contains("negative", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Vhosts:v:Transcode:Engines:e f:", StringComparison.Ordinal));
        // A disabled transcode is not checked.
        Assert.Empty(VhostConfigValidator.Validate("v", Bind(new() { ["Vhosts:v:Transcode:Engines:a:VideoCodec"] = "libx265" })));
    }
}
