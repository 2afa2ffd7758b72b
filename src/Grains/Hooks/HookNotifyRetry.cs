using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace OrleansLive.Grains.Hooks;

/// <summary>
/// The resilience pipeline of the notification client: each attempt bounded by the hook's timeout,
/// retried as often as the vhost's NotifyRetries says, 1 s after the first failure and doubling up
/// to 30 s, after a transport error, no answer in time or a non-2xx status. Each call carries its
/// action, retries and timeout in its <see cref="ResilienceContext"/>.
/// </summary>
internal static class HookNotifyRetry
{
    /// <summary>The validator's upper bound for NotifyRetries.</summary>
    public const int MaxRetries = 10;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public static readonly ResiliencePropertyKey<string> Action = new("orleans-live.hook.action");

    public static readonly ResiliencePropertyKey<string> Url = new("orleans-live.hook.url");

    public static readonly ResiliencePropertyKey<int> Retries = new("orleans-live.hook.retries");

    public static readonly ResiliencePropertyKey<TimeSpan> Timeout = new("orleans-live.hook.timeout");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, HttpHookClientOptions options, ILogger logger) => pipeline
        .AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            Delay = options.RetryBackoff,
            MaxDelay = MaxBackoff,
            UseJitter = false,
            ShouldRetryAfterHeader = false,
            ShouldHandle = args => ValueTask.FromResult(
                args.AttemptNumber < args.Context.Properties.GetValue(Retries, 0) && Failed(args.Outcome)),
            OnRetry = args =>
            {
                var properties = args.Context.Properties;
                logger.LogInformation("Hook {Action} {Url} failed ({Reason}); retrying in {Backoff} ms",
                    properties.GetValue(Action, ""), properties.GetValue(Url, ""),
                    Reason(args.Outcome, properties.GetValue(Timeout, default)), (int)args.RetryDelay.TotalMilliseconds);
                return default;
            },
        })
        .AddTimeout(new HttpTimeoutStrategyOptions
        {
            TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(Timeout, System.Threading.Timeout.InfiniteTimeSpan)),
        });

    /// <summary>The errors a later attempt may not meet: transport, no answer, a non-2xx status.</summary>
    public static bool IsTransient(Exception ex) =>
        ex is HttpRequestException or TimeoutRejectedException or IOException or InvalidOperationException;

    public static string Reason(Exception ex, TimeSpan timeout) =>
        ex is TimeoutRejectedException or OperationCanceledException ? $"no answer within {(int)timeout.TotalMilliseconds} ms" : ex.Message;

    private static bool Failed(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } ex ? IsTransient(ex) : !outcome.Result!.IsSuccessStatusCode;

    private static string Reason(Outcome<HttpResponseMessage> outcome, TimeSpan timeout) =>
        outcome.Exception is { } ex ? Reason(ex, timeout) : $"HTTP status {(int)outcome.Result!.StatusCode}";
}
