using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Silo;

namespace OrleansLive.IntegrationTests;

/// <summary>Gateway:WorkDir: relative HLS and DVR paths (the defaults among them) go below it.</summary>
public sealed class WorkDirTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly string _dir = Directory.CreateTempSubdirectory("orleanslive-workdir-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Relative_hls_and_dvr_paths_go_below_the_work_directory()
    {
        var logs = new CapturedLogs();
        await using var app = ServerApp.Build(
            [$"--Gateway:WorkDir={_dir}",
            "--Vhosts:__defaultVhost__:Hls:Enabled=true", "--Vhosts:__defaultVhost__:Hls:Fragment=1",
            "--Vhosts:__defaultVhost__:Dvr:Enabled=true", "--Vhosts:__defaultVhost__:Dvr:Path=./rec/[app]/[stream].[timestamp].flv",
            "--Gateway:ListenAddress=127.0.0.1", "--Gateway:RtmpPort=0", "--Gateway:HttpPort=0", "--Gateway:SrtPort=0", "--Gateway:RtcPort=0",
            "--Api:ListenAddress=127.0.0.1", "--Api:Port=0",
            $"--Orleans:SiloPort={Port()}", $"--Orleans:GatewayPort={Port()}"],
            builder => builder.Logging.AddProvider(logs));
        var (rtmp, http, api) = await TestServers.StartAsync(app);
        try
        {
            Assert.Contains(logs.Lines, l => l.Message == $"HLS and DVR files with relative paths go below {_dir} (Gateway:WorkDir)");
            var stream = "wd" + Ids.Random(5);
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
            await using (var publisher = MediaTools.Publish($"rtmp://127.0.0.1:{rtmp}/live/{stream}", 4))
            {
                // The default hls_path, ./objs/nginx/html, below the work directory; served from there.
                var playlist = Path.Combine(_dir, "objs", "nginx", "html", "live", stream + ".m3u8");
                await Wait.UntilAsync(() => File.Exists(playlist), Deadline, "the playlist below the work directory");
                using var response = await client.GetAsync($"http://127.0.0.1:{http}/live/{stream}.m3u8");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(await publisher.WaitForExitAsync(Deadline), "the publisher should finish");
            }
            Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "objs", "nginx", "html", "live", stream + ".m3u8")), "no playlist in the process's own directory");

            JsonElement file = await Wait.ForAsync(async () =>
            {
                using var doc = JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:{api}/api/v1/dvrs?app=live&stream={stream}"));
                var files = doc.RootElement.GetProperty("dvrs")[0].GetProperty("files");
                return files.GetArrayLength() == 1 && files[0].GetProperty("closed").GetBoolean() ? (JsonElement?)files[0].Clone() : null;
            }, Deadline, "the DVR file closed") ?? default;
            var path = file.GetProperty("file").GetString()!;
            Assert.StartsWith(Path.Combine(_dir, "rec", "live", stream + "."), path);
            Assert.True(File.Exists(path), $"{path} on disk");
            Assert.Equal(_dir, file.GetProperty("cwd").GetString());
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    private static string Port() => TestServers.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
}
