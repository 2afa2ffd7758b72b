using OrleansLive.GatewayEdge.SrsConfig;

namespace OrleansLive.UnitTests.SrsConfig;

/// <summary>srs.conf's transcode blocks onto Vhosts:&lt;name&gt;:Transcode.</summary>
public sealed class SrsTranscodeMappingTests
{
    private static SrsMapping Map(string text) => SrsConfigMapper.Map(SrsConfigParser.ParseText(text, "srs.conf", "/"));

    [Fact]
    public void Engines_map_to_their_settings_and_the_rest_of_ffmpeg_options_to_extra_arguments()
    {
        var mapping = Map("""
            vhost v.test {
                transcode live {
                    enabled on;
                    ffmpeg ./objs/ffmpeg/bin/ffmpeg;
                    engine 480 {
                        enabled on; iformat flv;
                        vcodec libx264; vbitrate 500; vfps 25; vwidth 854; vheight 480; vthreads 2; vprofile main; vpreset veryfast;
                        vparams { g 50; bf 0; }
                        acodec libfdk_aac; abitrate 64; asample_rate 44100; achannels 2;
                        aparams { profile:a aac_low; }
                        oformat flv;
                        output rtmp://127.0.0.1:[port]/[app]?vhost=[vhost]/[stream]_[engine];
                    }
                    engine audio { enabled off; vcodec vn; acodec copy; }
                }
            }
            """);

        Assert.Empty(mapping.NotImplemented);
        const string t = "Vhosts:v.test:Transcode:";
        const string e = t + "Engines:480:";
        Assert.Equal("true", mapping.Settings[t + "Enabled"]);
        Assert.Equal("live", mapping.Settings[t + "App"]);
        Assert.Equal("./objs/ffmpeg/bin/ffmpeg", mapping.Settings[t + "Ffmpeg"]);
        Assert.Equal(("true", "libx264", "500", "25", "854", "480", "main", "veryfast"), (mapping.Settings[e + "Enabled"], mapping.Settings[e + "VideoCodec"],
            mapping.Settings[e + "VideoBitrateKbps"], mapping.Settings[e + "Fps"], mapping.Settings[e + "Width"], mapping.Settings[e + "Height"],
            mapping.Settings[e + "Profile"], mapping.Settings[e + "Preset"]));
        Assert.Equal(("libfdk_aac", "64"), (mapping.Settings[e + "AudioCodec"], mapping.Settings[e + "AudioBitrateKbps"]));
        Assert.Equal("rtmp://127.0.0.1:[port]/[app]?vhost=[vhost]/[stream]_[engine]", mapping.Settings[e + "Output"]);
        Assert.Equal("-threads 2 -ar 44100 -ac 2 -g 50 -bf 0 -profile:a aac_low", mapping.Settings[e + "ExtraArgs"]);
        Assert.Equal(("false", "vn", "copy"), (mapping.Settings[t + "Engines:audio:Enabled"], mapping.Settings[t + "Engines:audio:VideoCodec"],
            mapping.Settings[t + "Engines:audio:AudioCodec"]));
    }

    [Fact]
    public void A_second_transcode_block_and_a_video_filter_are_listed_as_not_done()
    {
        var mapping = Map("""
            vhost __defaultVhost__ {
                transcode { enabled on; engine sd { vcodec libx264; vfilter { i logo.png; filter_complex 'overlay=10:10'; } } }
                transcode live/cam { enabled on; }
            }
            """);

        Assert.Equal("true", mapping.Settings["Vhosts:__defaultVhost__:Transcode:Enabled"]);
        Assert.False(mapping.Settings.ContainsKey("Vhosts:__defaultVhost__:Transcode:App"));
        Assert.Equal(2, mapping.NotImplemented.Count);
        Assert.Contains(mapping.NotImplemented, n => n.StartsWith("vhost __defaultVhost__: transcode.engine.vfilter { }", StringComparison.Ordinal));
        Assert.Contains(mapping.NotImplemented, n => n.StartsWith("vhost __defaultVhost__: transcode { }", StringComparison.Ordinal));
    }
}
