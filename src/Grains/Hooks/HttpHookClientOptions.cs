namespace OrleansLive.Grains.Hooks;

/// <summary>How <see cref="HttpHookClient"/> retries notifications.</summary>
public sealed class HttpHookClientOptions
{
    /// <summary>First wait before a notification is retried; doubles per attempt, capped at 30 s.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(1);
}
