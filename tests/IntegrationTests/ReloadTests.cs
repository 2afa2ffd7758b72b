using System.Diagnostics;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>Vhost settings change without a restart: raw API reload, SIGHUP, and an edited
/// configuration file; a broken configuration is refused and the running one stays.</summary>
[Collection(HooksCollection.Name)]
public sealed class ReloadTests(HooksServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task With_the_raw_api_on_a_missing_or_unknown_rpc_is_1060()
    {
        Assert.Equal(1060, (await server.GetJsonAsync("api/v1/raw")).GetProperty("code").GetInt32());
        Assert.Equal(1060, (await server.GetJsonAsync("api/v1/raw?rpc=shutdown")).GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Reload_switches_the_hook_url_and_a_broken_configuration_is_refused()
    {
        try
        {
            Assert.Equal("a/on_connect", await ConnectHookPathAsync());

            server.WriteOverrideConfig(OnConnect("b/on_connect"));
            var reloaded = await server.ReloadAsync();
            Assert.Equal(0, reloaded.GetProperty("code").GetInt32());
            Assert.Equal("b/on_connect", await ConnectHookPathAsync());

            // A bad URL and an unknown rule verb: the whole reload is refused, the running settings stay.
            server.WriteOverrideConfig("""
                { "Vhosts": { "__defaultVhost__": {
                    "HttpHooks": { "OnConnect": [ "ftp://nowhere/on_connect" ] },
                    "Security": { "Enabled": true, "Rules": [ "permit publish all" ] } } } }
                """);
            var refused = await server.ReloadAsync();
            Assert.Equal(1023, refused.GetProperty("code").GetInt32());
            var message = refused.GetProperty("data").GetProperty("msg").GetString();
            Assert.Contains("'ftp://nowhere/on_connect' is not an absolute http or https URL", message);
            Assert.Contains("unknown verb 'permit'", message);
            Assert.Contains(server.Logs.Lines, l => l.Message.Contains("refused, keeping the previous settings", StringComparison.Ordinal) && l.Message.Contains("permit", StringComparison.Ordinal));
            Assert.Equal("b/on_connect", await ConnectHookPathAsync());
            var fetch = await server.GetJsonAsync("api/v1/raw?rpc=reload-fetch");
            Assert.Equal(1023, fetch.GetProperty("data").GetProperty("err").GetInt32());

            // A file that is not even JSON is refused the same way.
            server.WriteOverrideConfig("{ \"Vhosts\": { ");
            Assert.Equal(1023, (await server.ReloadAsync()).GetProperty("code").GetInt32());
            Assert.Equal("b/on_connect", await ConnectHookPathAsync());
        }
        finally
        {
            await RestoreAsync();
        }
    }

    [Fact]
    public async Task Sighup_reloads_the_configuration()
    {
        try
        {
            server.WriteOverrideConfig(OnConnect("c/on_connect"));
            using (var kill = Process.Start("kill", ["-HUP", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }
            await Wait.UntilAsync(async () => await ConnectHookPathAsync() == "c/on_connect", Deadline, "on_connect to switch after SIGHUP");
            Assert.Contains(server.Logs.Lines, l => l.Message.Contains("Vhost configuration reloaded (SIGHUP)", StringComparison.Ordinal));
        }
        finally
        {
            await RestoreAsync();
        }
    }

    [Fact]
    public async Task Editing_the_configuration_file_reloads_it()
    {
        try
        {
            server.WriteMainConfig(connectPrefix: "d");
            await Wait.UntilAsync(async () => await ConnectHookPathAsync() == "d/on_connect", Deadline, "on_connect to switch after the file changed");
        }
        finally
        {
            await RestoreAsync();
        }
    }

    private string OnConnect(string path) =>
        $$"""{ "Vhosts": { "__defaultVhost__": { "HttpHooks": { "OnConnect": [ "{{server.Backend.Url(path)}}" ] } } } }""";

    /// <summary>Connects to a fresh app and returns the path of the on_connect hook that saw it.</summary>
    private async Task<string> ConnectHookPathAsync()
    {
        var app = "reload" + Ids.Random(6);
        Assert.True(await server.ConnectAsync(app), "the connect should be allowed");
        return server.Backend.Where(c => c.Action == "on_connect" && c.App == app).Single().Path;
    }

    private async Task RestoreAsync()
    {
        server.WriteMainConfig();
        server.WriteOverrideConfig("{}");
        Assert.Equal(0, (await server.ReloadAsync()).GetProperty("code").GetInt32());
        await Wait.UntilAsync(async () => await ConnectHookPathAsync() == "a/on_connect", Deadline, "the original hooks back");
    }
}
