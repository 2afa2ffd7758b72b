using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains;
using OrleansLive.Grains.Config;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests.Hooks;

/// <summary>Vhost settings are validated as a whole; an invalid reload keeps the running settings.</summary>
public sealed class VhostConfigStoreTests
{
    private static readonly Dictionary<string, string?> Good = new()
    {
        ["Vhosts:hooks.test:HttpHooks:Enabled"] = "true",
        ["Vhosts:hooks.test:HttpHooks:OnPublish:0"] = "http://127.0.0.1:8085/api/v1/streams",
        ["Vhosts:hooks.test:HttpHooks:OnPublish:1"] = "https://auth.example.com/publish",
        ["Vhosts:hooks.test:HttpHooks:TimeoutMs"] = "1500",
        ["Vhosts:hooks.test:Security:Enabled"] = "true",
        ["Vhosts:hooks.test:Security:Rules:0"] = "deny publish 10.0.0.0/8",
        ["Vhosts:hooks.test:Security:Rules:1"] = "allow play all",
        ["Vhosts:plain.test:GopCache"] = "false",
    };

    [Fact]
    public void Configured_vhosts_carry_hooks_and_rules_and_others_get_the_defaults()
    {
        var (store, _, _) = Create(Good);

        var hooks = store.Get("hooks.test");
        Assert.True(hooks.HttpHooks!.Enabled);
        Assert.Equal(["http://127.0.0.1:8085/api/v1/streams", "https://auth.example.com/publish"], hooks.HttpHooks.UrlsFor(HookActions.OnPublish));
        Assert.Empty(hooks.HttpHooks.UrlsFor(HookActions.OnPlay));
        Assert.Equal(1500, hooks.HttpHooks.TimeoutMs);
        Assert.Equal(["deny publish 10.0.0.0/8", "allow play all"], hooks.Security!.Rules);

        var plain = store.Get("plain.test");
        Assert.False(plain.GopCache);
        Assert.Null(plain.HttpHooks);
        Assert.Null(plain.Security);
        Assert.Equal(new VhostSettings(), store.Get("unknown.test"));
        Assert.Equal(["hooks.test", "plain.test"], store.ConfiguredNames.Order());
    }

    [Fact]
    public void Hooks_that_are_not_enabled_give_no_urls()
    {
        var (store, _, _) = Create(new()
        {
            ["Vhosts:v:HttpHooks:OnPlay:0"] = "http://127.0.0.1/play",
        });
        Assert.False(store.Get("v").HttpHooks!.Enabled);
        Assert.Empty(store.Get("v").HttpHooks!.UrlsFor(HookActions.OnPlay));
    }

    [Fact]
    public void An_invalid_reload_is_refused_with_every_problem_and_the_old_settings_stay()
    {
        var (store, config, _) = Create(Good);
        config["Vhosts:hooks.test:HttpHooks:OnPublish:1"] = "ftp://auth.example.com/publish";
        config["Vhosts:hooks.test:Security:Rules:1"] = "permit play all";
        config["Vhosts:hooks.test:HttpHooks:TimeoutMs"] = "0";
        config["Vhosts:plain.test:GopCache"] = "maybe";

        var result = store.Reload("test");

        Assert.False(result.Ok);
        Assert.Equal(1023, result.ErrorCode);
        Assert.Equal(10, result.State);
        Assert.Contains("Vhosts:hooks.test:HttpHooks:OnPublish:1 'ftp://auth.example.com/publish' is not an absolute http or https URL", result.Message);
        Assert.Contains("unknown verb 'permit'", result.Message);
        Assert.Contains("Vhosts:hooks.test:HttpHooks:TimeoutMs 0", result.Message);
        Assert.Contains("Vhosts:plain.test", result.Message);
        Assert.Same(result, store.LastReload);
        Assert.Equal("https://auth.example.com/publish", store.Get("hooks.test").HttpHooks!.OnPublish[1]);
        Assert.False(store.Get("plain.test").GopCache);

        config["Vhosts:hooks.test:HttpHooks:OnPublish:1"] = "https://other.example.com/publish";
        config["Vhosts:hooks.test:Security:Rules:1"] = "deny play 192.168.0.0/16";
        config["Vhosts:hooks.test:HttpHooks:TimeoutMs"] = "2000";
        config["Vhosts:plain.test:GopCache"] = "true";
        var fixedResult = store.Reload("test");

        Assert.True(fixedResult.Ok, fixedResult.Message);
        Assert.Equal(0, fixedResult.ErrorCode);
        Assert.True(fixedResult.Rid > result.Rid);
        Assert.Equal("https://other.example.com/publish", store.Get("hooks.test").HttpHooks!.OnPublish[1]);
        Assert.Equal(2000, store.Get("hooks.test").HttpHooks!.TimeoutMs);
        Assert.True(store.Get("plain.test").GopCache);
    }

    [Fact]
    public void A_configuration_reload_reloads_the_vhosts_by_itself()
    {
        var (store, config, _) = Create(Good);
        config["Vhosts:hooks.test:HttpHooks:TimeoutMs"] = "2500";

        config.Reload();

        Assert.Equal("configuration changed", store.LastReload.Trigger);
        Assert.Equal(2500, store.Get("hooks.test").HttpHooks!.TimeoutMs);
    }

    [Fact]
    public void A_broken_configuration_file_blocks_reloads_until_it_is_fixed()
    {
        var (store, config, files) = Create(Good);
        files.Report("appsettings.json", "'}' is invalid after a value");
        config["Vhosts:hooks.test:HttpHooks:TimeoutMs"] = "2500";

        var refused = store.Reload("test");
        Assert.False(refused.Ok);
        Assert.Contains("appsettings.json: '}' is invalid after a value", refused.Message);
        Assert.Equal(1500, store.Get("hooks.test").HttpHooks!.TimeoutMs);

        files.Clear("appsettings.json");
        Assert.True(store.Reload("test").Ok);
        Assert.Equal(2500, store.Get("hooks.test").HttpHooks!.TimeoutMs);
    }

    [Fact]
    public void An_invalid_configuration_at_startup_is_an_error()
    {
        var bad = new Dictionary<string, string?>(Good) { ["Vhosts:hooks.test:Security:Rules:0"] = "deny publish 10.0.0.0/99" };
        var ex = Assert.Throws<InvalidOperationException>(() => Create(bad));
        Assert.Contains("Vhosts:hooks.test:Security", ex.Message);
    }

    private static (VhostConfigStore Store, IConfigurationRoot Config, ConfigFileHealth Files) Create(Dictionary<string, string?> values)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var files = new ConfigFileHealth();
        var services = new ServiceCollection()
            .AddLogging()
            .AddOptions()
            .AddSingleton<IConfiguration>(config)
            .AddSingleton(files)
            .AddSingleton<IConfigureOptions<VhostOptions>>(new BindVhost(config))
            .BuildServiceProvider();
        var store = ActivatorUtilities.CreateInstance<VhostConfigStore>(services);
        return (store, config, files);
    }

    /// <summary>As the silo binds named vhost options: "Vhosts:&lt;name&gt;".</summary>
    private sealed class BindVhost(IConfiguration config) : IConfigureNamedOptions<VhostOptions>
    {
        public void Configure(string? name, VhostOptions options) => config.GetSection($"Vhosts:{name}").Bind(options);

        public void Configure(VhostOptions options) => Configure(Options.DefaultName, options);
    }
}
