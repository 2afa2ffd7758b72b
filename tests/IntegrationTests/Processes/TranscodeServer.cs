using System.Text.Json.Nodes;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Processes;

/// <summary>
/// The server on a settings file of its own with HLS and DASH (1 s fragments) and a transcode engine "480"
/// (320x180, ultrafast) on the default vhost, and a vhost reload.test with the same engine that a test
/// edits and reloads with SIGHUP.
/// </summary>
public sealed class TranscodeServer : ServerProcess, IAsyncLifetime
{
    public const string ReloadVhost = "reload.test";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("transcode-").FullName;

    public string HlsPath => Path.Combine(Directory, "hls");

    public string DashPath => Path.Combine(Directory, "dash");

    public string ConfigPath => Path.Combine(Directory, "settings.json");

    protected override IEnumerable<string> Settings() => ["--config", ConfigPath];

    public string HttpUrl(string path) => $"http://127.0.0.1:{HttpPort}/{path}";

    public JsonObject Vhost(JsonObject? engines) => new()
    {
        ["Enabled"] = true,
        ["Hls"] = new JsonObject { ["Enabled"] = true, ["Fragment"] = 1, ["Window"] = 10, ["Path"] = HlsPath },
        ["Dash"] = new JsonObject { ["Enabled"] = true, ["Fragment"] = 1, ["Timeshift"] = 10, ["UpdatePeriod"] = 1, ["Path"] = DashPath },
        ["Transcode"] = new JsonObject { ["Enabled"] = engines is not null, ["Engines"] = engines ?? [] },
    };

    public static JsonObject Engine480() => new()
    {
        ["480"] = new JsonObject
        {
            ["Width"] = 320,
            ["Height"] = 180,
            ["VideoBitrateKbps"] = 200,
            ["Preset"] = "ultrafast",
            ["AudioBitrateKbps"] = 48,
        },
    };

    /// <summary>Replaces the reload vhost's transcode engines (null: transcode off) and sends SIGHUP.</summary>
    public async Task ReloadAsync(JsonObject? engines)
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        config["Vhosts"]![ReloadVhost] = Vhost(engines);
        var temporary = ConfigPath + ".tmp";
        await File.WriteAllTextAsync(temporary, config.ToJsonString());
        File.Move(temporary, ConfigPath, overwrite: true);
        await using var kill = ExternalProcess.Start("kill", "-HUP", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!await kill.WaitForExitAsync(Deadline) || kill.ExitCode != 0)
        {
            throw new InvalidOperationException("SIGHUP not sent: " + kill.StdErr);
        }
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "appsettings.json")))!;
        config["Vhosts"]!["__defaultVhost__"] = Vhost(Engine480());
        config["Vhosts"]![ReloadVhost] = Vhost(Engine480());
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString());
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
