using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;
using Polly;

namespace OrleansLive.Grains.Hooks;

/// <summary>
/// Posts hook bodies to the URLs of one event, in order. A decision (on_connect, on_publish,
/// on_play) waits for every URL and stops at the first refusal, timeout or error. A notification
/// (on_close, on_unpublish, on_stop, on_dvr, on_hls) returns at once and is delivered in the
/// background, retried with doubling backoff after a transport error or a non-2xx status; what the
/// backend answers in the body is only logged, as in SRS.
/// </summary>
public sealed class HttpHookClient
{
    /// <summary>The named clients from <see cref="IHttpClientFactory"/> (see <see cref="HooksServiceCollectionExtensions"/>):
    /// decisions are asked once; notifications go through the retrying <see cref="HookNotifyRetry"/> pipeline.</summary>
    public const string HttpClientName = "hooks";

    public const string NotifyHttpClientName = "hooks-notify";

    /// <summary>Notifications waiting beyond this are dropped (and logged), so a dead backend cannot eat the memory.</summary>
    public const int MaxPendingNotifications = 10_000;

    internal const int MaxResponseBytes = 64 * 1024;

    private readonly IHttpClientFactory _http;
    private readonly ILogger<HttpHookClient> _logger;
    private int _pending;

    public HttpHookClient(IHttpClientFactory http, ILogger<HttpHookClient> logger)
    {
        _http = http;
        _logger = logger;
    }

    /// <summary>Notifications not yet delivered or given up.</summary>
    public int PendingNotifications => Volatile.Read(ref _pending);

    /// <summary>Calls each URL in turn; the first that does not allow decides.</summary>
    public async Task<HookVerdict> AskAsync(string action, IReadOnlyList<string> urls, JsonObject body, TimeSpan timeout)
    {
        var json = body.ToJsonString();
        foreach (var url in urls)
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await PostAsync(url, json, timeout);
            HookMetrics.Record(action, started, outcome.Delivered, outcome.Allowed);
            if (!outcome.Allowed)
            {
                _logger.LogWarning("Hook {Action} {Url} refused client {Client}: {Reason}",
                    action, url, body["client_id"]?.GetValue<string>(), outcome.Reason);
                return HookVerdict.Refuse($"{action} {url}: {outcome.Reason}");
            }
            _logger.LogDebug("Hook {Action} {Url} allowed client {Client}", action, url, body["client_id"]?.GetValue<string>());
        }
        return HookVerdict.Allow;
    }

    /// <summary>Queues a notification to each URL in turn; returns at once.</summary>
    public void Notify(string action, IReadOnlyList<string> urls, JsonObject body, TimeSpan timeout, int retries)
    {
        if (urls.Count == 0)
        {
            return;
        }
        if (Interlocked.Increment(ref _pending) > MaxPendingNotifications)
        {
            Interlocked.Decrement(ref _pending);
            _logger.LogWarning("Hook {Action} dropped: {Count} notifications already pending", action, MaxPendingNotifications);
            return;
        }
        var json = body.ToJsonString();
        var urlList = urls.ToArray();
        // Off the caller's scheduler (a grain's), so retries never hold an activation.
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var url in urlList)
                {
                    await DeliverAsync(action, url, json, timeout, retries);
                }
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Hook {Action} failed", action);
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        });
    }

    private async Task DeliverAsync(string action, string url, string json, TimeSpan timeout, int retries)
    {
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(HookNotifyRetry.Action, action);
        context.Properties.Set(HookNotifyRetry.Url, url);
        context.Properties.Set(HookNotifyRetry.Retries, Math.Min(retries, HookNotifyRetry.MaxRetries));
        context.Properties.Set(HookNotifyRetry.Timeout, timeout);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var outcome = await SendNotificationAsync(url, json, timeout, context);
            HookMetrics.Record(action, started, outcome.Delivered, outcome.Allowed);
            if (!outcome.Delivered)
            {
                _logger.LogWarning("Hook {Action} {Url} failed after {Attempts} attempts: {Reason}", action, url, Math.Max(retries, 0) + 1, outcome.Reason);
            }
            else if (outcome.Allowed)
            {
                _logger.LogDebug("Hook {Action} {Url} delivered", action, url);
            }
            else
            {
                _logger.LogInformation("Hook {Action} {Url} answered {Reason} (ignored for this event)", action, url, outcome.Reason);
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Sends through the retrying client; the answer of the attempt that ended it decides.</summary>
    private async Task<Outcome> SendNotificationAsync(string url, string json, TimeSpan timeout, ResilienceContext context)
    {
        HttpResponseMessage response;
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.SetResilienceContext(context);
        try
        {
            response = await _http.CreateClient(NotifyHttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        }
        catch (Exception ex) when (HookNotifyRetry.IsTransient(ex) || ex is OperationCanceledException)
        {
            return new Outcome(false, false, HookNotifyRetry.Reason(ex, timeout));
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            string text;
            try
            {
                using var cts = new CancellationTokenSource(timeout);
                await response.Content.LoadIntoBufferAsync(MaxResponseBytes, cts.Token);
                text = await response.Content.ReadAsStringAsync(cts.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                return new Outcome(response.IsSuccessStatusCode, false, HookNotifyRetry.Reason(ex, timeout));
            }
            var allowed = HookResponse.IsAllow(status, text, out var reason);
            return new Outcome(response.IsSuccessStatusCode, allowed, reason);
        }
    }

    private async Task<Outcome> PostAsync(string url, string json, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await _http.CreateClient(HttpClientName).PostAsync(url, content, cts.Token);
            var text = await response.Content.ReadAsStringAsync(cts.Token);
            var status = (int)response.StatusCode;
            var allowed = HookResponse.IsAllow(status, text, out var reason);
            return new Outcome(status is >= 200 and < 300, allowed, reason);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(false, false, $"no answer within {(int)timeout.TotalMilliseconds} ms");
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException)
        {
            return new Outcome(false, false, ex.Message);
        }
    }

    private readonly record struct Outcome(bool Delivered, bool Allowed, string Reason);
}
