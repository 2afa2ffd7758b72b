namespace OrleansLive.Interfaces;

/// <summary>
/// A vhost's HTTP callbacks (SRS `http_hooks { }`): URLs per event, called in order, the first
/// failure wins. TimeoutMs bounds each call; NotifyRetries is how often a notification-only event
/// (on_close, on_unpublish, on_stop, on_dvr, on_hls) is retried, with doubling backoff, after a
/// transport error or a non-2xx status.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record HttpHooksSettings(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] string[] OnConnect,
    [property: Id(2)] string[] OnClose,
    [property: Id(3)] string[] OnPublish,
    [property: Id(4)] string[] OnUnpublish,
    [property: Id(5)] string[] OnPlay,
    [property: Id(6)] string[] OnStop,
    [property: Id(7)] string[] OnDvr,
    [property: Id(8)] string[] OnHls,
    [property: Id(9)] int TimeoutMs,
    [property: Id(10)] int NotifyRetries)
{
    /// <summary>The URLs of one event by its SRS action name ("on_publish", ...); empty when hooks are off.</summary>
    public IReadOnlyList<string> UrlsFor(string action)
    {
        if (!Enabled)
        {
            return [];
        }
        return action switch
        {
            HookActions.OnConnect => OnConnect,
            HookActions.OnClose => OnClose,
            HookActions.OnPublish => OnPublish,
            HookActions.OnUnpublish => OnUnpublish,
            HookActions.OnPlay => OnPlay,
            HookActions.OnStop => OnStop,
            HookActions.OnDvr => OnDvr,
            HookActions.OnHls => OnHls,
            _ => [],
        };
    }
}

/// <summary>SRS's callback action names, the "action" field of every hook body.</summary>
public static class HookActions
{
    public const string OnConnect = "on_connect";
    public const string OnClose = "on_close";
    public const string OnPublish = "on_publish";
    public const string OnUnpublish = "on_unpublish";
    public const string OnPlay = "on_play";
    public const string OnStop = "on_stop";
    public const string OnDvr = "on_dvr";
    public const string OnHls = "on_hls";
}

/// <summary>
/// A vhost's allow/deny rules (SRS `security { }`), each "allow|deny publish|play all|&lt;ip&gt;|&lt;cidr&gt;".
/// Disabled allows everyone; enabled with no rules denies everyone.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SecuritySettings(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] string[] Rules);

/// <summary>The outcome of a decision hook (on_connect) or check: allowed, or refused with a reason for the logs.</summary>
[GenerateSerializer, Immutable]
public sealed record HookVerdict(
    [property: Id(0)] bool Allowed,
    [property: Id(1)] string? Reason)
{
    public static HookVerdict Allow { get; } = new(true, null);

    public static HookVerdict Refuse(string reason) => new(false, reason);
}
