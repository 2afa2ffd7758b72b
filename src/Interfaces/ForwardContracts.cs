namespace OrleansLive.Interfaces;

/// <summary>
/// One forward destination of a live publish, as its gateway last reported it. State is one of
/// <see cref="ForwardStates"/>; Attempts counts connection attempts so far; SinceUtc is when the state began.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ForwardStatus(
    [property: Id(0)] string Url,
    [property: Id(1)] string State,
    [property: Id(2)] int Attempts,
    [property: Id(3)] string? LastError,
    [property: Id(4)] DateTime SinceUtc);

/// <summary>The states of a <see cref="ForwardStatus"/>.</summary>
public static class ForwardStates
{
    /// <summary>Connecting and publishing to the destination.</summary>
    public const string Connecting = "connecting";

    /// <summary>Publishing: frames flow to the destination.</summary>
    public const string Active = "active";

    /// <summary>The last attempt failed; the next one follows after a backoff.</summary>
    public const string Retrying = "retrying";

    /// <summary>Not forwarding any more (the publish ended, or the destination is not usable).</summary>
    public const string Stopped = "stopped";
}
