using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using OrleansLive.Grains.Config;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

/// <summary>Two silos, so a configuration proposed through one must reach the other's store.</summary>
public sealed class TwoSiloClusterFixture : ClusterFixture
{
    protected override short SiloCount => 2;
}

/// <summary>The cluster's one vhost configuration: versions, pushes to subscribers and silos, overrides.</summary>
public sealed class VhostConfigTests(TwoSiloClusterFixture fixture) : IClassFixture<TwoSiloClusterFixture>, IAsyncLifetime
{
    private readonly IClusterClient _client = fixture.Client;
    private readonly ConcurrentQueue<string> _hookCalls = new();
    private WebApplication? _backend;
    private string _backendUrl = "";

    private IVhostConfigGrain Config => _client.GetGrain<IVhostConfigGrain>(0);

    private sealed class Recorder : IVhostConfigObserver
    {
        public ConcurrentQueue<VhostConfigSet> Seen { get; } = new();

        public Task Changed(VhostConfigSet config)
        {
            Seen.Enqueue(config);
            return Task.CompletedTask;
        }
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _backend = builder.Build();
        _backend.MapPost("/{name}", async (HttpContext http, string name) =>
        {
            _hookCalls.Enqueue(name + " " + await new StreamReader(http.Request.Body).ReadToEndAsync());
            return Results.Text("0");
        });
        await _backend.StartAsync();
        _backendUrl = _backend.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task Both_silos_run_the_version_proposed_at_startup()
    {
        var running = await Config.Get();
        Assert.NotNull(running);
        Assert.True(running.Version >= 1);
        Assert.False(running.Settings(ClusterFixture.ConfiguredVhost).GopCache);
        Assert.Equal(4096, running.Settings(ClusterFixture.ConfiguredVhost).ChunkSize);
        Assert.Equal(new VhostSettings(), running.Settings("not.configured"));
        await Eventually.True(() => Task.FromResult(Stores().All(s => s.Cluster?.Version == running.Version)), "both silos on the running version");
    }

    [Fact]
    public async Task A_changed_proposal_is_the_next_version_pushed_to_subscribers_and_every_silo()
    {
        var recorder = new Recorder();
        var reference = _client.CreateObjectReference<IVhostConfigObserver>(recorder);
        var before = await Config.Subscribe(reference);
        Assert.NotNull(before);

        var configured = new Dictionary<string, VhostSettings>(before.Configured) { ["pushed.vhost"] = new VhostSettings(GopCache: false) };
        var next = await Config.Propose(configured, before.Unconfigured, "test", "a changed file");

        Assert.Equal(before.Version + 1, next.Version);
        // Pushed before the proposal returned: to this subscriber and to both silos' stores.
        Assert.Contains(recorder.Seen, c => c.Version == next.Version);
        Assert.All(Stores(), s => Assert.Equal(next.Version, s.Cluster!.Version));
        Assert.False((await _client.GetGrain<IVhostGrain>("pushed.vhost").GetSettings()).GopCache);

        // The same content again changes nothing.
        var again = await Config.Propose(new Dictionary<string, VhostSettings>(configured), before.Unconfigured, "test", "the same file");
        Assert.Equal(next.Version, again.Version);
        await Config.Unsubscribe(reference);
    }

    [Fact]
    public async Task An_api_override_is_visible_and_the_next_configuration_replaces_it()
    {
        const string vhost = "override.vhost";
        var grain = _client.GetGrain<IVhostGrain>(vhost);
        await grain.SetSettings(new VhostSettings(Enabled: false));

        var overridden = await grain.GetSnapshot();
        Assert.True(overridden.Overridden);
        Assert.False(overridden.Settings.Enabled);
        Assert.All(Stores(), s => Assert.False(s.Get(vhost).Enabled));

        var running = (await Config.Get())!;
        var configured = new Dictionary<string, VhostSettings>(running.Configured) { ["other.vhost"] = new VhostSettings(ChunkSize: 8192) };
        var reloaded = await Config.Propose(configured, running.Unconfigured, "test", "reload");

        var after = await grain.GetSnapshot();
        Assert.False(after.Overridden);
        Assert.True(after.Settings.Enabled);
        Assert.Equal(reloaded.Version, after.ConfigVersion);
    }

    [Fact]
    public async Task A_connect_overtaken_by_its_close_still_fires_on_close_once()
    {
        const string vhost = "closehook.vhost";
        var hooks = new HttpHooksSettings(true, [], [_backendUrl + "/on_close"], [], [], [], [], [], [], 5000, 0);
        await _client.GetGrain<IVhostGrain>(vhost).SetSettings(new VhostSettings(HttpHooks: hooks));
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);
        var info = ClientSessionGrainTests.Info(id, "gw-a") with { Vhost = vhost };

        await session.Close(sendBytes: 111, recvBytes: 222);
        Assert.True((await session.Connect(info)).Allowed);

        await Eventually.True(() => Task.FromResult(_hookCalls.Any(c => c.StartsWith("on_close", StringComparison.Ordinal))), "on_close");
        var call = Assert.Single(_hookCalls, c => c.Contains(id, StringComparison.Ordinal));
        Assert.StartsWith("on_close", call, StringComparison.Ordinal);
        Assert.Contains("\"send_bytes\":111", call, StringComparison.Ordinal);
        Assert.NotNull((await session.GetSnapshot())?.EndedUtc);
    }

    private IEnumerable<VhostConfigStore> Stores() =>
        fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<VhostConfigStore>());
}
