using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Hooks;

namespace OrleansLive.GrainTests.Hooks;

/// <summary>The hook client against a small HTTP backend on a free loopback port.</summary>
public sealed class HttpHookClientTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Path, string Body)> _calls = new();
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private readonly ServiceProvider _services;
    private readonly HttpHookClient _client;
    private WebApplication? _app;
    private string _base = "";

    public HttpHookClientTests()
    {
        _services = new ServiceCollection().AddLogging()
            .Configure<HttpHookClientOptions>(o => o.RetryBackoff = TimeSpan.FromMilliseconds(50))
            .AddLiveHooks().BuildServiceProvider();
        _client = _services.GetRequiredService<HttpHookClient>();
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{name}", async (HttpContext http, string name) =>
        {
            var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            _calls.Enqueue((name, body));
            var hit = _hits.AddOrUpdate(name, 1, (_, n) => n + 1);
            switch (name)
            {
                case "deny":
                    return Results.Text("{\"code\":7}", "application/json");
                case "broken":
                    return Results.StatusCode(500);
                case "slow":
                    await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted);
                    return Results.Text("0");
                case "flaky":
                    return hit <= 2 ? Results.StatusCode(503) : Results.Text("0");
                default:
                    return Results.Text(name.EndsWith("json", StringComparison.Ordinal) ? "{\"code\":0}" : "0");
            }
        });
        await _app.StartAsync();
        _base = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private string Url(string name) => $"{_base}/{name}";

    private static JsonObject Body() => new() { ["action"] = "on_publish", ["client_id"] = "abcd1234" };

    [Fact]
    public async Task Urls_are_called_in_order_and_the_first_refusal_wins()
    {
        var allowed = await _client.AskAsync("on_publish", [Url("one"), Url("twojson")], Body(), TimeSpan.FromSeconds(5));
        Assert.True(allowed.Allowed, allowed.Reason);

        var refused = await _client.AskAsync("on_publish", [Url("three"), Url("deny"), Url("never")], Body(), TimeSpan.FromSeconds(5));
        Assert.False(refused.Allowed);
        Assert.Contains("/deny: code 7", refused.Reason);

        Assert.Equal(["one", "twojson", "three", "deny"], _calls.Select(c => c.Path));
        Assert.All(_calls, c => Assert.Equal("{\"action\":\"on_publish\",\"client_id\":\"abcd1234\"}", c.Body));
    }

    [Fact]
    public async Task A_hook_that_does_not_answer_in_time_or_cannot_be_reached_refuses()
    {
        var clock = Stopwatch.StartNew();
        var slow = await _client.AskAsync("on_play", [Url("slow")], Body(), TimeSpan.FromMilliseconds(300));
        Assert.False(slow.Allowed);
        Assert.Contains("no answer within 300 ms", slow.Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");

        var broken = await _client.AskAsync("on_play", [Url("broken")], Body(), TimeSpan.FromSeconds(5));
        Assert.Contains("HTTP status 500", broken.Reason);

        var unreachable = await _client.AskAsync("on_play", ["http://127.0.0.1:1/hook"], Body(), TimeSpan.FromSeconds(5));
        Assert.False(unreachable.Allowed);
    }

    [Fact]
    public async Task Notifications_are_retried_with_backoff_until_delivered_or_given_up()
    {
        _client.Notify("on_stop", [Url("flaky"), Url("after")], Body(), TimeSpan.FromSeconds(5), retries: 3);
        _client.Notify("on_stop", [Url("broken")], Body(), TimeSpan.FromSeconds(5), retries: 1);
        _client.Notify("on_stop", [Url("deny")], Body(), TimeSpan.FromSeconds(5), retries: 3);

        await Eventually.True(() => Task.FromResult(_client.PendingNotifications == 0), "every notification is delivered or given up");
        Assert.Equal(3, _hits["flaky"]);
        Assert.Equal(1, _hits["after"]);
        Assert.Equal(2, _hits["broken"]);
        // A 200 answer is delivered, whatever its code: notifications are not decisions.
        Assert.Equal(1, _hits["deny"]);
    }
}
