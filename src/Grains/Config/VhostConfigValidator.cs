using OrleansLive.Grains.Hooks;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Config;

/// <summary>Checks one vhost's settings before they may replace the running ones; every problem is
/// reported with the configuration key it comes from.</summary>
public static class VhostConfigValidator
{
    public const int MaxHookTimeoutMs = 30_000;

    public static List<string> Validate(string vhost, VhostOptions options)
    {
        var errors = new List<string>();
        var prefix = $"{VhostOptions.SectionName}:{vhost}";
        if (options.ChunkSize is < 128 or > 65536)
        {
            errors.Add($"{prefix}:ChunkSize {options.ChunkSize} is outside 128..65536");
        }
        if (options.QueueLengthSeconds < 0 || double.IsNaN(options.QueueLengthSeconds))
        {
            errors.Add($"{prefix}:QueueLengthSeconds {options.QueueLengthSeconds} is negative");
        }
        if (options.Play.MergedWriteMs is < 0 or > PlaySettings.MaxMergedWriteMs)
        {
            errors.Add($"{prefix}:Play:MergedWriteMs {options.Play.MergedWriteMs} is outside 0..{PlaySettings.MaxMergedWriteMs}");
        }

        var hooks = options.HttpHooks;
        if (hooks.TimeoutMs is < 1 or > MaxHookTimeoutMs)
        {
            errors.Add($"{prefix}:HttpHooks:TimeoutMs {hooks.TimeoutMs} is outside 1..{MaxHookTimeoutMs}");
        }
        if (hooks.NotifyRetries is < 0 or > HookNotifyRetry.MaxRetries)
        {
            errors.Add($"{prefix}:HttpHooks:NotifyRetries {hooks.NotifyRetries} is outside 0..{HookNotifyRetry.MaxRetries}");
        }
        foreach (var (name, urls) in hooks.AllUrls)
        {
            for (var i = 0; i < urls.Length; i++)
            {
                if (!IsHookUrl(urls[i]))
                {
                    errors.Add($"{prefix}:HttpHooks:{KeyOf(name)}:{i} '{urls[i]}' is not an absolute http or https URL");
                }
            }
        }

        foreach (var rule in options.Security.Rules)
        {
            if (!SecurityRules.TryParse(rule, out _, out var error))
            {
                errors.Add($"{prefix}:Security: {error}");
            }
        }
        options.Forward.Validate($"{prefix}:Forward", errors);
        foreach (var (id, ingest) in options.Ingest)
        {
            ingest.Validate($"{prefix}:Ingest:{id}", errors);
        }
        options.Transcode.Validate($"{prefix}:Transcode", errors);
        return errors;
    }

    public static bool IsHookUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;

    /// <summary>"on_publish" → "OnPublish", the configuration key of the event.</summary>
    private static string KeyOf(string action) =>
        string.Concat(action.Split('_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]));
}
