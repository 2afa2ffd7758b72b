using System.Text.Json.Nodes;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Processes;

/// <summary>
/// The server on a settings file of its own with HLS (1 s fragments) and a transcode engine "480"
/// (320x180, ultrafast) on the default vhost, which writes DASH too (1 s fragments), and a vhost
/// reload.test with the same engine that a test edits and reloads with SIGHUP; bad.test adds an engine
/// that ffmpeg refuses, abr.test has two renditions.
/// </summary>
public sealed class TranscodeServer : ServerProcess, IAsyncLifetime
{
    public const string ReloadVhost = "reload.test";

    /// <summary>A vhost with the good engine "480" and an engine "bad" whose ExtraArgs ffmpeg refuses.</summary>
    public const string BadVhost = "bad.test";

    /// <summary>A vhost with two renditions, "180" (320x180) and "270" (480x270), at low bitrates.</summary>
    public const string AbrVhost = "abr.test";

    public const string BadOption = "-no_such_option";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("transcode-").FullName;

    public string HlsPath => Path.Combine(Directory, "hls");

    public string DashPath => Path.Combine(Directory, "dash");

    public string ConfigPath => Path.Combine(Directory, "settings.json");

    protected override IEnumerable<string> Settings() => ["--config", ConfigPath];

    public string HttpUrl(string path) => $"http://127.0.0.1:{HttpPort}/{path}";

    public JsonObject Vhost(JsonObject? engines, bool dash = false) => new()
    {
        ["Enabled"] = true,
        ["Hls"] = new JsonObject { ["Enabled"] = true, ["Fragment"] = 1, ["Window"] = 10, ["Path"] = HlsPath },
        ["Dash"] = new JsonObject { ["Enabled"] = dash, ["Fragment"] = 1, ["Timeshift"] = 10, ["UpdatePeriod"] = 1, ["Path"] = DashPath },
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

    public static JsonObject EnginesWithABadOne()
    {
        var engines = Engine480();
        engines["bad"] = new JsonObject { ["Width"] = 160, ["Height"] = 90, ["Preset"] = "ultrafast", ["ExtraArgs"] = BadOption + " 1" };
        return engines;
    }

    public static JsonObject TwoRenditions() => new()
    {
        ["180"] = new JsonObject { ["Width"] = 320, ["Height"] = 180, ["VideoBitrateKbps"] = 120, ["Preset"] = "ultrafast", ["AudioBitrateKbps"] = 32 },
        ["270"] = new JsonObject { ["Width"] = 480, ["Height"] = 270, ["VideoBitrateKbps"] = 300, ["Preset"] = "ultrafast", ["AudioBitrateKbps"] = 32 },
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
        config["Vhosts"]!["__defaultVhost__"] = Vhost(Engine480(), dash: true);
        config["Vhosts"]![ReloadVhost] = Vhost(Engine480());
        config["Vhosts"]![BadVhost] = Vhost(EnginesWithABadOne());
        config["Vhosts"]![AbrVhost] = Vhost(TwoRenditions());
        await File.WriteAllTextAsync(ConfigPath, config.ToJsonString());
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
