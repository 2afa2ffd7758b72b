using System.Text.Json.Nodes;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Processes;

/// <summary>The server on a settings file of its own (a copy of appsettings.json) that tests edit and
/// reload with SIGHUP, and a source file for ingests.</summary>
public sealed class IngestReloadServer : ServerProcess, IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("ingest-reload-").FullName;

    public string SourceFile => Path.Combine(Directory, "source.flv");

    public string ConfigPath => Path.Combine(Directory, "settings.json");

    protected override IEnumerable<string> Settings() => ["--config", ConfigPath];

    /// <summary>Sets the default vhost's ingests ("Vhosts:__defaultVhost__:Ingest") and sends SIGHUP.</summary>
    public async Task ReloadWithIngestsAsync(JsonObject ingests)
    {
        var config = JsonNode.Parse(await File.ReadAllTextAsync(ConfigPath))!;
        config["Vhosts"]!["__defaultVhost__"]!["Ingest"] = ingests;
        var temporary = ConfigPath + ".tmp";
        await File.WriteAllTextAsync(temporary, config.ToJsonString());
        File.Move(temporary, ConfigPath, overwrite: true);
        await using var kill = ExternalProcess.Start("kill", "-HUP", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!await kill.WaitForExitAsync(Deadline) || kill.ExitCode != 0)
        {
            throw new InvalidOperationException("SIGHUP not sent: " + kill.StdErr);
        }
    }

    public JsonObject Ingest(string stream) => new()
    {
        ["Enabled"] = true,
        ["Input"] = new JsonObject { ["Type"] = "file", ["Url"] = SourceFile },
        ["Stream"] = stream,
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), ConfigPath);
        await IngestServer.MakeSourceAsync(SourceFile);
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
