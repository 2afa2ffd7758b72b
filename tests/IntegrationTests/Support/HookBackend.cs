using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>One POST the server made to the hook backend.</summary>
public sealed record HookCall(string Path, JsonElement Body)
{
    public string Action => Field("action");

    public string ClientId => Field("client_id");

    public string Stream => Field("stream");

    public string App => Field("app");

    public string Field(string name) =>
        Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}

/// <summary>
/// A hook backend as users write one: a small ASP.NET app on a free loopback port that records
/// every callback and answers by convention, so each test picks the answer through its stream name
/// or token:
/// - any hook about a stream named "slow…" answers after 20 s (longer than any hook timeout);
/// - on_publish of a stream named "deny…" answers {"code":1001} (refused);
/// - on_play with "token=bad" in its param answers HTTP 403 (refused);
/// - anything else allows: {"code":0} when the path ends in "/json", else the bare "0".
/// </summary>
public sealed class HookBackend : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentQueue<HookCall> Calls { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public string Url(string path) => $"{BaseUrl}/{path.TrimStart('/')}";

    public IReadOnlyList<HookCall> Where(Func<HookCall, bool> predicate) => Calls.Where(predicate).ToList();

    public IReadOnlyList<HookCall> Of(string action, string stream) => Where(c => c.Action == action && c.Stream == stream);

    /// <param name="certificate">Serve https with this certificate; null: plain http.</param>
    public async Task StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (certificate is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        }
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpContext http, string path) =>
        {
            using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            var call = new HookCall(path, doc.RootElement.Clone());
            Calls.Enqueue(call);
            if (call.Stream.StartsWith("slow", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(20), http.RequestAborted);
            }
            if (call.Action == "on_publish" && call.Stream.StartsWith("deny", StringComparison.Ordinal))
            {
                return Results.Text("{\"code\":1001,\"msg\":\"not this stream\"}", "application/json");
            }
            if (call.Action == "on_play" && call.Field("param").Contains("token=bad", StringComparison.Ordinal))
            {
                return Results.Text("forbidden", statusCode: StatusCodes.Status403Forbidden);
            }
            return path.EndsWith("/json", StringComparison.Ordinal)
                ? Results.Text("{\"code\":0,\"data\":null}", "application/json")
                : Results.Text("0");
        });
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
