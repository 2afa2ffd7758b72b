using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Hooks;

/// <summary>"Vhosts:&lt;name&gt;:HttpHooks" (SRS `http_hooks { }`): URL lists per event.</summary>
public sealed class HttpHooksOptions
{
    public bool Enabled { get; set; }
    public string[] OnConnect { get; set; } = [];
    public string[] OnClose { get; set; } = [];
    public string[] OnPublish { get; set; } = [];
    public string[] OnUnpublish { get; set; } = [];
    public string[] OnPlay { get; set; } = [];
    public string[] OnStop { get; set; } = [];
    public string[] OnDvr { get; set; } = [];
    public string[] OnHls { get; set; } = [];

    /// <summary>Per URL; a hook that does not answer in time refuses (decisions) or is retried (notifications).</summary>
    public int TimeoutMs { get; set; } = 5000;

    /// <summary>Retries of a notification after its first attempt failed.</summary>
    public int NotifyRetries { get; set; } = 3;

    internal IEnumerable<(string Event, string[] Urls)> AllUrls =>
    [
        (HookActions.OnConnect, OnConnect), (HookActions.OnClose, OnClose),
        (HookActions.OnPublish, OnPublish), (HookActions.OnUnpublish, OnUnpublish),
        (HookActions.OnPlay, OnPlay), (HookActions.OnStop, OnStop),
        (HookActions.OnDvr, OnDvr), (HookActions.OnHls, OnHls),
    ];

    /// <summary>Null when nothing is configured, so an unconfigured vhost keeps the built-in defaults.</summary>
    public HttpHooksSettings? ToSettings() => !Enabled && AllUrls.All(e => e.Urls.Length == 0)
        ? null
        : new HttpHooksSettings(Enabled, OnConnect, OnClose, OnPublish, OnUnpublish, OnPlay, OnStop, OnDvr, OnHls, TimeoutMs, NotifyRetries);
}

/// <summary>"Vhosts:&lt;name&gt;:Security" (SRS `security { }`): "allow|deny publish|play all|ip|cidr" rules.</summary>
public sealed class SecurityOptions
{
    public bool Enabled { get; set; }
    public string[] Rules { get; set; } = [];

    public SecuritySettings? ToSettings() => !Enabled && Rules.Length == 0 ? null : new SecuritySettings(Enabled, Rules);
}
