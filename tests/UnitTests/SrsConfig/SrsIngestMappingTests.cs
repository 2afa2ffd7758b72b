using OrleansLive.GatewayEdge.SrsConfig;

namespace OrleansLive.UnitTests.SrsConfig;

/// <summary>srs.conf's ingest and exec blocks onto Vhosts:&lt;name&gt;:Ingest:&lt;id&gt; and Vhosts:&lt;name&gt;:Exec.</summary>
public sealed class SrsIngestMappingTests
{
    private static SrsMapping Map(string text) => SrsConfigMapper.Map(SrsConfigParser.ParseText(text, "srs.conf", "/"));

    [Fact]
    public void Ingest_with_a_disabled_engine_copies_to_its_output()
    {
        var mapping = Map("""
            vhost __defaultVhost__ {
                ingest livestream {
                    enabled on;
                    input { type file; url ./doc/source.flv; }
                    ffmpeg ./objs/ffmpeg/bin/ffmpeg;
                    engine { enabled off; output rtmp://127.0.0.1:[port]/live?vhost=[vhost]/livestream; }
                }
            }
            """);

        Assert.Empty(mapping.NotImplemented);
        const string prefix = "Vhosts:__defaultVhost__:Ingest:livestream:";
        Assert.Equal("true", mapping.Settings[prefix + "Enabled"]);
        Assert.Equal("file", mapping.Settings[prefix + "Input:Type"]);
        Assert.Equal("./doc/source.flv", mapping.Settings[prefix + "Input:Url"]);
        Assert.Equal("./objs/ffmpeg/bin/ffmpeg", mapping.Settings[prefix + "Ffmpeg"]);
        Assert.Equal("rtmp://127.0.0.1:[port]/live?vhost=[vhost]/livestream", mapping.Settings[prefix + "Output"]);
        Assert.False(mapping.Settings.ContainsKey(prefix + "Engine:Arguments"));
        Assert.False(mapping.Settings.ContainsKey(prefix + "Engine:Enabled"));
    }

    [Fact]
    public void Enabled_engine_becomes_ffmpeg_output_options_in_srs_order()
    {
        var mapping = Map("""
            vhost v.test {
                ingest cam {
                    enabled on;
                    input { type stream; url rtsp://cam/1; }
                    engine {
                        enabled on; iformat flv;
                        vfilter { vf 'scale=320:-2'; }
                        vcodec libx264; vbitrate 300; vfps 25; vwidth 320; vheight 180; vthreads 2; vprofile main; vpreset fast;
                        vparams { g 50; }
                        acodec aac; abitrate 64; asample_rate 44100; achannels 2;
                        oformat flv;
                        output rtmp://127.0.0.1:[port]/live/cam?vhost=[vhost];
                    }
                    engine second { enabled off; }
                }
            }
            """);

        Assert.Equal(
            "-vf scale=320:-2 -vcodec libx264 -b:v 300000 -r 25 -s 320x180 -profile:v main -preset fast -threads 2 -g 50 "
            + "-acodec aac -b:a 64000 -ar 44100 -ac 2 -f flv",
            mapping.Settings["Vhosts:v.test:Ingest:cam:Engine:Arguments"]);
        Assert.Equal("stream", mapping.Settings["Vhosts:v.test:Ingest:cam:Input:Type"]);
        // One engine per ingest: the second is listed, not mapped.
        Assert.Contains(mapping.NotImplemented, n => n.StartsWith("vhost v.test: ingest.engine { }", StringComparison.Ordinal));
    }

    [Fact]
    public void Exec_publish_commands_become_a_list()
    {
        var mapping = Map("""
            vhost __defaultVhost__ {
                exec {
                    enabled on;
                    publish ./objs/ffmpeg/bin/ffmpeg -f flv -i [url] -c copy -y ./[stream].flv;
                    publish /bin/echo [app];
                }
            }
            """);

        Assert.Empty(mapping.NotImplemented);
        Assert.Equal("true", mapping.Settings["Vhosts:__defaultVhost__:Exec:Enabled"]);
        Assert.Equal("./objs/ffmpeg/bin/ffmpeg -f flv -i [url] -c copy -y ./[stream].flv", mapping.Settings["Vhosts:__defaultVhost__:Exec:Publish:0"]);
        Assert.Equal("/bin/echo [app]", mapping.Settings["Vhosts:__defaultVhost__:Exec:Publish:1"]);
    }

    [Fact]
    public void Ingest_without_an_id_or_with_an_unknown_input_type_is_listed()
    {
        var mapping = Map("""
            vhost __defaultVhost__ {
                ingest { enabled on; }
                ingest x { input { type carrier-pigeon; } }
            }
            """);

        Assert.Contains(mapping.NotImplemented, n => n.StartsWith("vhost __defaultVhost__: ingest { }", StringComparison.Ordinal));
        Assert.Contains(mapping.NotImplemented, n => n.Contains("ingest.input.type carrier-pigeon", StringComparison.Ordinal));
    }
}
