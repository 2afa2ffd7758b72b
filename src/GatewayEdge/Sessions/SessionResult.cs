
namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>A publish or play that was admitted (<see cref="Value"/>), refused by rules, hooks or a
/// busy stream (<see cref="Refusal"/>), or could not be decided because the cluster did not answer.</summary>
public readonly record struct SessionResult<T>(T? Value, string? Refusal, bool Unavailable = false)
    where T : class
{
    public static SessionResult<T> Refused(string reason) => new(null, reason);

    public static SessionResult<T> NoAnswer(string reason) => new(null, reason, Unavailable: true);
}
