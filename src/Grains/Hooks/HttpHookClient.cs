using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

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
    /// <summary>The named client from <see cref="IHttpClientFactory"/> (see <see cref="HooksServiceCollectionExtensions"/>).</summary>
    public const string HttpClientName = "hooks";

    /// <summary>Notifications waiting beyond this are dropped (and logged), so a dead backend cannot eat the memory.</summary>
    public const int MaxPendingNotifications = 10_000;

    internal const int MaxResponseBytes = 64 * 1024;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly IHttpClientFactory _http;
    private readonly ILogger<HttpHookClient> _logger;
    private int _pending;

    public HttpHookClient(IHttpClientFactory http, ILogger<HttpHookClient> logger)
    {
        _http = http;
        _logger = logger;
    }

    /// <summary>First wait before a notification is retried; doubles per attempt, capped at 30 s.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Notifications not yet delivered or given up.</summary>
    public int PendingNotifications => Volatile.Read(ref _pending);

    /// <summary>Calls each URL in turn; the first that does not allow decides.</summary>
    public async Task<HookVerdict> AskAsync(string action, IReadOnlyList<string> urls, JsonObject body, TimeSpan timeout)
    {
        var json = body.ToJsonString();
        foreach (var url in urls)
        {
            var outcome = await PostAsync(url, json, timeout);
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
        var backoff = RetryBackoff;
        for (var attempt = 0; ; attempt++)
        {
            var outcome = await PostAsync(url, json, timeout);
            if (outcome.Delivered)
            {
                if (outcome.Allowed)
                {
                    _logger.LogDebug("Hook {Action} {Url} delivered", action, url);
                }
                else
                {
                    _logger.LogInformation("Hook {Action} {Url} answered {Reason} (ignored for this event)", action, url, outcome.Reason);
                }
                return;
            }
            if (attempt >= retries)
            {
                _logger.LogWarning("Hook {Action} {Url} failed after {Attempts} attempts: {Reason}", action, url, attempt + 1, outcome.Reason);
                return;
            }
            _logger.LogInformation("Hook {Action} {Url} failed ({Reason}); retrying in {Backoff} ms", action, url, outcome.Reason, (int)backoff.TotalMilliseconds);
            await Task.Delay(backoff);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
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
