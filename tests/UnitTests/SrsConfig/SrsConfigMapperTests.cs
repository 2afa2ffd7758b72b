using OrleansLive.GatewayEdge.SrsConfig;

namespace OrleansLive.UnitTests.SrsConfig;

public sealed class SrsConfigMapperTests
{
    private static SrsMapping Map(string text, Dictionary<string, string>? environment = null)
    {
        var root = SrsConfigParser.ParseText(text, "srs.conf", "/");
        var unknown = SrsEnvironment.Apply(root, environment ?? []);
        var mapping = SrsConfigMapper.Map(root);
        return mapping with { NotImplemented = [.. mapping.NotImplemented, .. unknown] };
    }

    [Fact]
    public void Server_blocks_map_onto_gateway_and_api_keys()
    {
        var mapping = Map("""
            listen 1936;
            max_connections 500;
            chunk_size 4096;
            server_id my-srs;
            daemon off;
            srs_log_tank console;
            http_api {
                enabled on;
                listen 127.0.0.1:1986;
                crossdomain on;
                auth { enabled on; username admin; password secret; }
                raw_api { enabled on; allow_reload on; }
            }
            http_server { enabled on; listen 8081; }
            srt_server {
                enabled on; listen 10081; latency 200; peerlatency 50; recvlatency 300; tlpktdrop off;
                peer_idle_timeout 5000; passphrase abcdefghij; pbkeylen 16; mss 1400; payloadsize 1316; default_app cam; maxbw 25000000000;
            }
            rtc_server { enabled on; listen 8001; candidate 192.168.1.5; protocol udp; tcp { enabled on; listen 8002; } }
            """);

        Assert.Empty(mapping.NotImplemented);
        var expected = new Dictionary<string, string>
        {
            ["Gateway:RtmpPort"] = "1936",
            ["Gateway:MaxConnections"] = "500",
            ["Gateway:OutChunkSize"] = "4096",
            ["Api:ServerId"] = "my-srs",
            ["Api:Port"] = "1986",
            ["Api:ListenAddress"] = "127.0.0.1",
            ["Api:Auth:Enabled"] = "true",
            ["Api:Auth:Username"] = "admin",
            ["Api:Auth:Password"] = "secret",
            ["Api:RawApi:Enabled"] = "true",
            ["Api:RawApi:AllowReload"] = "true",
            ["Gateway:HttpPort"] = "8081",
            ["Gateway:SrtPort"] = "10081",
            ["Gateway:Srt:Latency"] = "200",
            ["Gateway:Srt:PeerLatency"] = "50",
            ["Gateway:Srt:RecvLatency"] = "300",
            ["Gateway:Srt:TlPktDrop"] = "false",
            ["Gateway:Srt:PeerIdleTimeout"] = "5000",
            ["Gateway:Srt:Passphrase"] = "abcdefghij",
            ["Gateway:Srt:PbKeyLen"] = "16",
            ["Gateway:Srt:Mss"] = "1400",
            ["Gateway:Srt:PayloadSize"] = "1316",
            ["Gateway:Srt:DefaultApp"] = "cam",
            ["Gateway:Srt:MaxBw"] = "25000000000",
            ["Gateway:RtcPort"] = "8001",
            ["Gateway:Rtc:Candidates:0"] = "192.168.1.5",
            ["Gateway:Rtc:Protocol"] = "udp",
            ["Gateway:RtcTcpPort"] = "8002",
        };
        Assert.Equal(expected.OrderBy(e => e.Key), mapping.Settings.OrderBy(e => e.Key).Select(e => new KeyValuePair<string, string>(e.Key, e.Value!)));
    }

    [Fact]
    public void Srt_and_rtc_enabled_off_turn_the_listeners_off_whatever_the_listen_says()
    {
        var mapping = Map("srt_server { listen 10080; enabled off; }\nrtc_server { enabled off; listen 8000; tcp { listen 8000; } }\n");

        Assert.Equal("-1", mapping.Settings["Gateway:SrtPort"]);
        Assert.Equal("-1", mapping.Settings["Gateway:RtcPort"]);
        Assert.False(mapping.Settings.ContainsKey("Gateway:RtcTcpPort"));
        Assert.Empty(mapping.NotImplemented);
    }

    [Fact]
    public void Vhost_blocks_map_onto_vhost_keys()
    {
        var mapping = Map("""
            vhost live.test {
                enabled on;
                play { gop_cache off; queue_length 10; mw_latency 350; }
                http_remux { enabled on; mount [vhost]/[app]/[stream].flv; }
                hls {
                    enabled on; hls_fragment 2; hls_window 10; hls_path /var/hls; hls_m3u8_file [app]/[stream].m3u8;
                    hls_ts_file [app]/[stream]-[seq].ts; hls_dispose 30; hls_cleanup off; hls_use_fmp4 on;
                }
                dvr { enabled on; dvr_apply live/a live/b; dvr_plan segment; dvr_path /var/dvr/[app]/[stream].[timestamp].mp4; dvr_duration 15; }
                http_hooks {
                    enabled on;
                    on_publish http://127.0.0.1:8085/a http://127.0.0.1:8085/b;
                    on_publish http://127.0.0.1:8085/c;
                    on_play http://127.0.0.1:8085/play;
                }
                security { enabled on; deny publish 10.0.0.1 10.0.0.2; allow play all; }
                forward { enabled on; destination 127.0.0.1:19350 rtmp://127.0.0.1:19351/mirror; }
                srt { enabled on; }
                rtc { enabled on; rtmp_to_rtc on; }
            }
            """);

        Assert.Empty(mapping.NotImplemented);
        var s = mapping.Settings;
        const string V = "Vhosts:live.test:";
        Assert.Equal("true", s[V + "Enabled"]);
        Assert.Equal("false", s[V + "GopCache"]);
        Assert.Equal("10", s[V + "QueueLengthSeconds"]);
        Assert.Equal("350", s[V + "Play:MergedWriteMs"]);
        Assert.Equal("true", s[V + "Hls:Enabled"]);
        Assert.Equal("2", s[V + "Hls:Fragment"]);
        Assert.Equal("10", s[V + "Hls:Window"]);
        Assert.Equal("/var/hls", s[V + "Hls:Path"]);
        Assert.Equal("[app]/[stream]-[seq].ts", s[V + "Hls:TsFile"]);
        Assert.Equal("30", s[V + "Hls:Dispose"]);
        Assert.Equal("false", s[V + "Hls:Cleanup"]);
        Assert.Equal("true", s[V + "Hls:Fmp4"]);
        Assert.Equal("live/a live/b", s[V + "Dvr:Apply"]);
        Assert.Equal("segment", s[V + "Dvr:Plan"]);
        Assert.Equal("15", s[V + "Dvr:Duration"]);
        Assert.Equal("/var/dvr/[app]/[stream].[timestamp].mp4", s[V + "Dvr:Path"]);
        Assert.Equal<string?[]>(["http://127.0.0.1:8085/a", "http://127.0.0.1:8085/b", "http://127.0.0.1:8085/c"],
            [s[V + "HttpHooks:OnPublish:0"], s[V + "HttpHooks:OnPublish:1"], s[V + "HttpHooks:OnPublish:2"]]);
        Assert.Equal("http://127.0.0.1:8085/play", s[V + "HttpHooks:OnPlay:0"]);
        Assert.Equal<string?[]>(["deny publish 10.0.0.1", "deny publish 10.0.0.2", "allow play all"],
            [s[V + "Security:Rules:0"], s[V + "Security:Rules:1"], s[V + "Security:Rules:2"]]);
        Assert.Equal("true", s[V + "Security:Enabled"]);
        Assert.Equal("rtmp://127.0.0.1:19351/mirror", s[V + "Forward:Destinations:1"]);
    }

    [Fact]
    public void A_dash_block_maps_onto_the_vhost_dash_keys_and_window_size_is_reported()
    {
        var mapping = Map("""
            vhost dash.test {
                dash {
                    enabled on; dash_fragment 4; dash_update_period 5; dash_timeshift 60; dash_path /var/dash;
                    dash_mpd_file [app]/[stream]/index.mpd; dash_cleanup off; dash_dispose 30; dash_window_size 5;
                }
            }
            """);

        var s = mapping.Settings;
        const string V = "Vhosts:dash.test:Dash:";
        Assert.Equal("true", s[V + "Enabled"]);
        Assert.Equal("4", s[V + "Fragment"]);
        Assert.Equal("5", s[V + "UpdatePeriod"]);
        Assert.Equal("60", s[V + "Timeshift"]);
        Assert.Equal("/var/dash", s[V + "Path"]);
        Assert.Equal("[app]/[stream]/index.mpd", s[V + "MpdFile"]);
        Assert.Equal("false", s[V + "Cleanup"]);
        Assert.Equal("30", s[V + "Dispose"]);
        // The window is the timeshift here: SRS's segment count has no key of its own.
        Assert.Contains(mapping.NotImplemented, n => n.Contains("dash.dash_window_size 5", StringComparison.Ordinal));
    }

    [Fact]
    public void What_is_not_implemented_is_listed_with_file_and_line()
    {
        var mapping = Map("""
            listen 1935;
            srs_log_file ./objs/srs.log;
            rtmp { listen 1935 19350; }
            http_api { enabled off; }
            vhost __defaultVhost__ {
                min_latency on;
                http_remux { enabled on; mount [app]/live.flv; }
                hls { hls_fragment ten; }
            }
            """);

        Assert.Equal(
        [
            "srs_log_file ./objs/srs.log (srs.conf:2)",
            "rtmp.listen 19350: one port per listener (srs.conf:3)",
            "http_api.enabled off (srs.conf:4)",
            "vhost __defaultVhost__: min_latency on (srs.conf:6)",
            "vhost __defaultVhost__: http_remux.mount [app]/live.flv (srs.conf:7)",
            "vhost __defaultVhost__: hls.hls_fragment ten (srs.conf:8)",
        ], mapping.NotImplemented);
        Assert.Equal("1935", mapping.Settings["Gateway:RtmpPort"]);
    }

    [Fact]
    public void Https_blocks_map_onto_the_https_ports_and_the_certificate()
    {
        var on = Map("http_api { https { enabled on; key ./conf/server.key; cert ./conf/server.crt; } }\nhttp_server { https { enabled on; listen 18088; } }\n").Settings;
        Assert.Equal("1990", on["Api:Https:Port"]);
        Assert.Equal("18088", on["Gateway:HttpsPort"]);
        Assert.Equal("./conf/server.key", on["Https:KeyFile"]);
        Assert.Equal("./conf/server.crt", on["Https:CertFile"]);
        var off = Map("http_api { https { enabled off; listen 1990; } }\n").Settings;
        Assert.Equal("-1", off["Api:Https:Port"]);
    }

    [Fact]
    public void Environment_variables_override_the_file_and_apply_to_every_vhost()
    {
        var mapping = Map("listen 1935;\nvhost a.test { hls { enabled off; } }\n", new()
        {
            ["SRS_LISTEN"] = "1937",
            ["SRS_HTTP_API_LISTEN"] = "1987",
            ["SRS_HTTP_SERVER_LISTEN"] = "8089",
            ["SRS_SRT_SERVER_LISTEN"] = "10089",
            ["SRS_RTC_SERVER_ENABLED"] = "off",
            ["SRS_VHOST_HLS_ENABLED"] = "on",
            ["SRS_VHOST_HLS_HLS_FRAGMENT"] = "3",
            ["SRS_VHOST_HTTP_HOOKS_ON_PUBLISH"] = "http://h/1 http://h/2",
            ["SRS_NOT_A_THING"] = "x",
        });

        var s = mapping.Settings;
        Assert.Equal("1937", s["Gateway:RtmpPort"]);
        Assert.Equal("1987", s["Api:Port"]);
        Assert.Equal("8089", s["Gateway:HttpPort"]);
        Assert.Equal("10089", s["Gateway:SrtPort"]);
        Assert.Equal("-1", s["Gateway:RtcPort"]);
        foreach (var vhost in new[] { "a.test", "__defaultVhost__" })
        {
            Assert.Equal("true", s[$"Vhosts:{vhost}:Hls:Enabled"]);
            Assert.Equal("3", s[$"Vhosts:{vhost}:Hls:Fragment"]);
            Assert.Equal("http://h/2", s[$"Vhosts:{vhost}:HttpHooks:OnPublish:1"]);
        }
        Assert.Equal(["SRS_NOT_A_THING=x (environment)"], mapping.NotImplemented);
    }

    [Fact]
    public void Variable_names_follow_the_directive_paths()
    {
        Assert.Equal("SRS_VHOST_HLS_ENABLED", SrsEnvironment.NameOf("vhost.hls.enabled"));
        Assert.Equal("SRS_HTTP_API_AUTH_USERNAME", SrsEnvironment.NameOf("http_api.auth.username"));
        Assert.Contains("rtc_server.tcp.listen", SrsConfigMapper.Paths);
    }
}
