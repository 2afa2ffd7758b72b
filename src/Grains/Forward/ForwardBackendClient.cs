using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.Grains.Hooks;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Forward;

/// <summary>What SRS's on_forward request says about the publish.</summary>
public sealed record ForwardRequest(string ClientId, string Ip, string Vhost, string App, string TcUrl, string Stream, string Param);

/// <summary>
/// Asks a forward backend where to push a stream (SRS 5 on_forward): POSTs the publish as JSON and
/// reads RTMP URLs from `{"code":0,"data":{"urls":[...]}}`. A backend that fails, answers late or
/// answers anything else yields no URLs, and a log line.
/// </summary>
public sealed class ForwardBackendClient
{
    public const string HttpClientName = "forward-backend";

    private readonly IHttpClientFactory _http;
    private readonly ILogger<ForwardBackendClient> _logger;
    private readonly TimeSpan _timeout;

    /// <summary>Server and service ids come from <paramref name="identity"/>, the ones hooks and the
    /// API use, unless <see cref="ForwardBackendOptions"/> names others.</summary>
    public ForwardBackendClient(IHttpClientFactory http, IOptions<ForwardBackendOptions> options, ILogger<ForwardBackendClient> logger, HookServerIdentity? identity = null)
    {
        _http = http;
        _logger = logger;
        var o = options.Value;
        _timeout = TimeSpan.FromMilliseconds(Math.Max(1, o.BackendTimeoutMs));
        ServerId = NonEmpty(o.ServerId) ?? identity?.ServerId ?? Ids.NewVid();
        ServiceId = NonEmpty(o.ServiceId) ?? identity?.ServiceId ?? Ids.Random(8);
    }

    public string ServerId { get; }

    public string ServiceId { get; }

    /// <summary>The URLs the backend names; empty when it names none or fails.</summary>
    public async Task<IReadOnlyList<string>> AskAsync(string backend, ForwardRequest request, string streamKey)
    {
        var body = Body(request).ToJsonString();
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await _http.CreateClient(HttpClientName).PostAsync(backend, content, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!TryParseUrls((int)response.StatusCode, text, out var urls, out var error))
            {
                _logger.LogWarning("Forward backend {Backend} for {Stream} refused: {Error}; no dynamic destinations", backend, streamKey, error);
                return [];
            }
            _logger.LogInformation("Forward backend {Backend} for {Stream} named {Count} destinations", backend, streamKey, urls.Count);
            return urls;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException or UriFormatException)
        {
            var error = ex is OperationCanceledException ? $"no answer within {_timeout.TotalMilliseconds} ms" : ex.Message;
            _logger.LogWarning("Forward backend {Backend} for {Stream} failed: {Error}; no dynamic destinations", backend, streamKey, error);
            return [];
        }
    }

    /// <summary>SRS's on_forward body, fields in SRS's order.</summary>
    public JsonObject Body(ForwardRequest request) => new()
    {
        ["action"] = "on_forward",
        ["server_id"] = ServerId,
        ["service_id"] = ServiceId,
        ["client_id"] = request.ClientId,
        ["ip"] = request.Ip,
        ["vhost"] = request.Vhost,
        ["app"] = request.App,
        ["tcUrl"] = request.TcUrl,
        ["stream"] = request.Stream,
        ["param"] = request.Param,
    };

    /// <summary>
    /// Reads a backend's answer the SRS way: HTTP 200 or 201, a JSON object whose integer `code` is 0,
    /// and `data.urls`, an array of strings (empty ones skipped).
    /// </summary>
    public static bool TryParseUrls(int status, string body, out List<string> urls, out string error)
    {
        urls = [];
        error = "";
        if (status is not (200 or 201))
        {
            error = $"HTTP {status}";
            return false;
        }
        if (string.IsNullOrWhiteSpace(body))
        {
            error = "empty body";
            return false;
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            error = "body is not JSON";
            return false;
        }
        if (root is not JsonObject obj || obj["code"] is not JsonValue code || code.GetValueKind() != JsonValueKind.Number
            || !code.TryGetValue<long>(out var value))
        {
            error = "no integer code in the answer";
            return false;
        }
        if (value != 0)
        {
            error = $"code {value}";
            return false;
        }
        if (obj["data"] is not JsonObject data || data["urls"] is not JsonArray list)
        {
            error = "no data.urls in the answer";
            return false;
        }
        foreach (var item in list)
        {
            if (item is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            {
                error = "data.urls holds a value that is not a string";
                urls.Clear();
                return false;
            }
            var url = v.GetValue<string>().Trim();
            if (url.Length > 0)
            {
                urls.Add(url);
            }
        }
        return true;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
