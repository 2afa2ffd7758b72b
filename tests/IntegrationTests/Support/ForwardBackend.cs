using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// A forward backend as SRS users write one: answers on_forward for app "live" with the same stream
/// in app "dynmirror" of the server under test (default vhost), plus an empty URL that must be
/// skipped; other apps get no URLs. Keeps every request body it saw.
/// </summary>
public sealed class ForwardBackend : IAsyncDisposable
{
    private WebApplication? _app;

    public const string MirrorApp = "dynmirror";

    public string Url { get; private set; } = "";

    public ConcurrentQueue<JsonElement> Requests { get; } = new();

    public async Task StartAsync(int rtmpPort)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/api/v1/forward", async (HttpContext http) =>
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body);
            var body = doc.RootElement.Clone();
            Requests.Enqueue(body);
            var urls = new JsonArray();
            if (body.GetProperty("app").GetString() == "live")
            {
                urls.Add("");
                urls.Add($"rtmp://127.0.0.1:{rtmpPort}/{MirrorApp}/{body.GetProperty("stream").GetString()}");
            }
            var reply = new JsonObject { ["code"] = 0, ["data"] = new JsonObject { ["urls"] = urls } };
            return Results.Text(reply.ToJsonString(), "application/json");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = $"http://127.0.0.1:{new Uri(address).Port}/api/v1/forward";
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
    }
}
