using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.SrsConfig;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Silo;

namespace OrleansLive.IntegrationTests;

/// <summary>A server started with <c>--srs-config</c> and an SRS configuration file (written in SRS's
/// syntax, with an include): it listens where the file says, writes HLS and DVR files where the vhost
/// says, calls both on_publish URLs, refuses a denied IP, forwards, and names what it ignores.</summary>
public sealed class SrsConfigTests(SrsConfigTests.Server server) : IClassFixture<SrsConfigTests.Server>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public void The_server_listens_on_the_ports_of_the_file_and_warns_once_about_what_it_ignores()
    {
        Assert.Equal(server.RtmpPort, server.Ports.Rtmp);
        Assert.Equal(server.HttpPort, server.Ports.Http);
        Assert.Equal(server.ApiPort, server.Ports.Api);
        var warnings = server.Logs.Lines.Where(l => l.Level == LogLevel.Warning && l.Message.StartsWith("SRS configuration ", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains($"srs_log_file ./objs/srs.log ({server.ConfigFile}:6)", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"http_server.dir ./objs/nginx/html ({server.ConfigFile}:8)", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"vhost __defaultVhost__: min_latency on ({server.ConfigFile}:20)", warning.Message, StringComparison.Ordinal);
        Assert.Contains($"vhost secure.test: refer {{ }} ({server.IncludedFile}:3)", warning.Message, StringComparison.Ordinal);
        Assert.Contains(server.Logs.Lines, l => l.Message.StartsWith($"SRS configuration {server.ConfigFile}: ", StringComparison.Ordinal) && l.Message.EndsWith(" settings mapped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_publish_calls_both_hook_urls_and_writes_hls_and_dvr_where_the_vhost_says()
    {
        var stream = "srs" + Ids.Random(5);
        await using (var publisher = MediaTools.Publish($"rtmp://127.0.0.1:{server.RtmpPort}/live/{stream}", 4))
        {
            var m3u8 = Path.Combine(server.Dir, "hls", "live", stream + ".m3u8");
            await Wait.UntilAsync(() => File.Exists(m3u8) && File.ReadAllText(m3u8).Contains(".ts", StringComparison.Ordinal), Deadline, "the playlist under hls_path");
            Assert.True(await publisher.WaitForExitAsync(Deadline), "the publish should finish");
            Assert.Equal(0, publisher.ExitCode);
        }

        var calls = server.Hooks.Of("on_publish", stream);
        Assert.Equal(["first", "second"], calls.Select(c => c.Path).Order(StringComparer.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(server.Dir, "hls", "live"), stream + "-*.ts"));
        var dvr = Path.Combine(server.Dir, "dvr", "live", stream + ".flv");
        await Wait.UntilAsync(() => File.Exists(dvr) && new FileInfo(dvr).Length > 10_000, Deadline, "the DVR file at dvr_path");
    }

    [Fact]
    public async Task A_denied_ip_is_refused_by_the_included_vhost()
    {
        var stream = "sec" + Ids.Random(5);
        await using var refused = MediaTools.Publish($"rtmp://127.0.0.1:{server.RtmpPort}/live/{stream}?vhost=secure.test", 2);
        Assert.True(await refused.WaitForExitAsync(Deadline), "the publish should be refused");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("denied by 'deny publish 127.0.0.1'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_forward_destination_receives_the_stream()
    {
        var stream = "fwd" + Ids.Random(5);
        await using var publisher = MediaTools.Publish($"rtmp://127.0.0.1:{server.RtmpPort}/live/{stream}?vhost=fwd.test", 0);
        try
        {
            await Wait.UntilAsync(async () => await ApiLookups.FindStreamAsync(server.GetJsonAsync, "mirror", stream) is not null, Deadline, "the forwarded copy in app mirror");
        }
        finally
        {
            publisher.Kill();
        }
    }

    [Fact]
    public void A_syntax_error_stops_the_server_with_file_and_line()
    {
        var bad = Path.Combine(server.Dir, "bad.conf");
        File.WriteAllText(bad, "listen 1935;\nvhost v {\n    hls { enabled on }\n}\n");
        var error = Assert.Throws<SrsConfigException>(() => ServerApp.Build(["--srs-config", bad]));
        Assert.Equal($"{bad}:3: directive 'enabled' has no ending ';'", error.Message);
    }

    public sealed class Server : IAsyncLifetime
    {
        private Microsoft.AspNetCore.Builder.WebApplication? _app;
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

        public string Dir { get; } = Directory.CreateTempSubdirectory("orleanslive-srsconf-").FullName;

        public string ConfigFile => Path.Combine(Dir, "srs.conf");

        public string IncludedFile => Path.Combine(Dir, "conf.d", "vhosts.conf");

        public int RtmpPort { get; } = TestServers.FreeTcpPort();

        public int HttpPort { get; } = TestServers.FreeTcpPort();

        public int ApiPort { get; } = TestServers.FreeTcpPort();

        public (int Rtmp, int Http, int Api) Ports { get; private set; }

        public HookBackend Hooks { get; } = new();

        public CapturedLogs Logs { get; } = new();

        public async Task<JsonElement> GetJsonAsync(string path)
        {
            using var doc = JsonDocument.Parse(await _http.GetStringAsync($"http://127.0.0.1:{ApiPort}/{path}"));
            return doc.RootElement.Clone();
        }

        public async Task InitializeAsync()
        {
            await Hooks.StartAsync();
            Directory.CreateDirectory(Path.Combine(Dir, "conf.d"));
            // Line numbers matter: the warning test names lines 6, 8 and 20 of this file.
            File.WriteAllText(ConfigFile, $$"""
                # An SRS origin: HLS, DVR and two on_publish hooks for the default vhost.
                listen              {{RtmpPort}};
                max_connections     100;
                daemon              off;
                srs_log_tank        console;
                srs_log_file        ./objs/srs.log;
                http_api            { enabled on; listen 127.0.0.1:{{ApiPort}}; crossdomain on; }
                http_server         { enabled on; listen {{HttpPort}}; dir ./objs/nginx/html; }
                srt_server          { enabled off; listen 10080; }
                rtc_server          { enabled off; }
                vhost __defaultVhost__ {
                    hls {
                        enabled on; hls_fragment 1; hls_window 10;
                        hls_path "{{Dir}}/hls";
                        hls_m3u8_file [app]/[stream].m3u8;
                        hls_ts_file [app]/[stream]-[seq].ts;
                    }
                    dvr { enabled on; dvr_plan session; dvr_path {{Dir}}/dvr/[app]/[stream].flv; }
                    http_hooks { enabled on; on_publish {{Hooks.Url("first")}} '{{Hooks.Url("second")}}'; }
                    min_latency on;
                }
                include conf.d/vhosts.conf;
                """);
            File.WriteAllText(IncludedFile, $$"""
                vhost secure.test {
                    security { enabled on; deny publish 127.0.0.1; allow play all; }
                    refer { enabled on; all example.com; }
                }
                vhost fwd.test {
                    forward { enabled on; destination rtmp://127.0.0.1:{{RtmpPort}}/mirror; }
                }
                """);
            _app = ServerApp.Build(
                ["--srs-config", ConfigFile, "--Gateway:ListenAddress=127.0.0.1",
                $"--Orleans:SiloPort={Port()}", $"--Orleans:GatewayPort={Port()}"],
                builder => builder.Logging.AddProvider(Logs));
            Ports = await TestServers.StartAsync(_app);
        }

        public async Task DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync(CancellationToken.None);
                await _app.DisposeAsync();
            }
            await Hooks.DisposeAsync();
            _http.Dispose();
            Directory.Delete(Dir, recursive: true);
        }

        private static string Port() => TestServers.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
    }
}
