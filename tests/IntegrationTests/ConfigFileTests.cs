using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Silo;

namespace OrleansLive.IntegrationTests;

/// <summary><c>--config FILE</c>: the server loads that file instead of the copy beside the binary
/// and applies edits of it without a restart.</summary>
public sealed class ConfigFileTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private readonly string _dir = Directory.CreateTempSubdirectory("orleanslive-config-").FullName;

    private string ConfigPath => Path.Combine(_dir, "my-settings.json");

    public Task InitializeAsync()
    {
        // The file a user starts from: the shipped appsettings.json.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), ConfigPath);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task An_edit_of_the_config_file_denies_publishing_without_a_restart()
    {
        var logs = new CapturedLogs();
        await using var app = ServerApp.Build(
            ["--config", ConfigPath,
            "--Gateway:ListenAddress=127.0.0.1", "--Gateway:RtmpPort=0", "--Gateway:HttpPort=0", "--Gateway:SrtPort=0", "--Gateway:RtcPort=0",
            "--Api:ListenAddress=127.0.0.1", "--Api:Port=0",
            $"--Orleans:SiloPort={Port()}", $"--Orleans:GatewayPort={Port()}"],
            builder => builder.Logging.AddProvider(logs));
        var (rtmp, _, _) = await TestServers.StartAsync(app);
        try
        {
            Assert.Contains(logs.Lines, l => l.Message == $"Settings file {ConfigPath}: edits reload it");
            var url = $"rtmp://127.0.0.1:{rtmp}/live/cfg{Ids.Random(5)}";
            await using (var allowed = MediaTools.Publish(url, 1))
            {
                Assert.True(await allowed.WaitForExitAsync(Deadline), "the first publish should finish");
                Assert.Equal(0, allowed.ExitCode);
            }

            // The edit a user makes in place: a deny rule for the default vhost.
            var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
            config["Vhosts"]!["__defaultVhost__"]!["Security"] = new JsonObject { ["Enabled"] = true, ["Rules"] = new JsonArray("deny publish all") };
            await File.WriteAllTextAsync(ConfigPath, config.ToJsonString());
            await Wait.UntilAsync(() => logs.Lines.Any(l => l.Message.StartsWith("Vhost configuration reloaded (configuration changed)", StringComparison.Ordinal)),
                Deadline, "the edited file to be reloaded");

            await using var refused = MediaTools.Publish(url, 1);
            Assert.True(await refused.WaitForExitAsync(Deadline), "the publish should be refused");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains(logs.Lines, l => l.Message.Contains("denied by 'deny publish all'", StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void A_missing_config_file_stops_the_server_with_its_name()
    {
        var missing = Path.Combine(_dir, "missing.json");
        var error = Assert.Throws<FileNotFoundException>(() => ServerApp.Build(["--config", missing]));
        Assert.Contains(missing, error.Message);
    }

    private static string Port() => TestServers.FreeTcpPort().ToString(CultureInfo.InvariantCulture);
}
