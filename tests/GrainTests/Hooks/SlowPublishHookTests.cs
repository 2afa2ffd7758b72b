using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests.Hooks;

/// <summary>An on_publish backend that answers only when the test lets it: what the stream grain does
/// meanwhile shows whether the hook holds up its other calls.</summary>
public sealed class SlowPublishHookTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IAsyncLifetime
{
    private const string Vhost = "slowhook.vhost";
    private readonly IClusterClient _client = fixture.Client;
    private readonly TaskCompletionSource _asked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _backend;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _backend = builder.Build();
        _backend.MapPost("/on_publish", async () =>
        {
            _asked.TrySetResult();
            await _answer.Task;
            return Results.Text("0");
        });
        await _backend.StartAsync();
        var url = _backend.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var hooks = new HttpHooksSettings(true, [], [], [url + "/on_publish"], [], [], [], [], [], 30_000, 0);
        await _client.GetGrain<IVhostGrain>(Vhost).SetSettings(new VhostSettings(HttpHooks: hooks));
    }

    public async Task DisposeAsync()
    {
        _answer.TrySetResult();
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_pending_on_publish_holds_up_neither_the_streams_other_calls_nor_other_streams()
    {
        var key = StreamKey.Of(Vhost, "live", "slow");
        var stream = _client.GetGrain<IStreamGrain>(key);
        var publish = stream.AcquirePublish(new PublishClaim("slowpub", "gw-a", "10.1.1.1", "rtmp://h/live", ""));
        await _asked.Task.WaitAsync(TestTimeouts.Deadline);

        // While the backend has not answered: this stream's reports, players and snapshot, and another stream.
        await stream.ReportTraffic(new StreamTraffic("gw-b", null, 0, 100, 0, 1));
        Assert.True((await stream.PlayerJoined(new PlayClaim("slowplayer", "gw-b", "10.1.1.2", "rtmp://h/live", "", ""))).Allowed);
        await stream.PlayerLeft("slowplayer").WaitAsync(TestTimeouts.Deadline);
        Assert.Null((await stream.GetSnapshot().WaitAsync(TestTimeouts.Deadline)).PublisherClientId);
        // The one-way report was applied meanwhile.
        await Eventually.True(async () => (await stream.GetSnapshot()).SendBytes == 100, "the report is applied while the hook is pending");
        var other = _client.GetGrain<IStreamGrain>(StreamKey.Of(Vhost, "live", "other"));
        Assert.True((await other.PlayerJoined(new PlayClaim("otherplayer", "gw-b", "10.1.1.3", "rtmp://h/live", "", ""))).Allowed);
        Assert.False(publish.IsCompleted, "the publish waits for its hook");

        _answer.SetResult();
        var verdict = await publish.WaitAsync(TestTimeouts.Deadline);
        Assert.True(verdict.Granted);
        Assert.Equal("slowpub", (await stream.GetPublisher())?.ClientId);
    }

    [Fact]
    public async Task A_lease_cannot_be_taken_without_passing_the_hooks()
    {
        var stream = _client.GetGrain<IStreamGrain>(StreamKey.Of(Vhost, "live", "bypass"));
        var verdict = await stream.TakeLease(new PublishClaim("bypasser", "gw-a", "10.1.1.1", "rtmp://h/live", ""));
        Assert.False(verdict.Granted);
        Assert.Null(await stream.GetPublisher());
    }
}
