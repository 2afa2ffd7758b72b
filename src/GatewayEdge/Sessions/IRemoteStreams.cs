
namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// Streams whose publisher is on another gateway of the cluster, pulled here for local players (the
/// edge pull). The session service tells it when a player waits for a stream nobody publishes here,
/// and when a publisher arrives here for a stream that was being pulled.
/// </summary>
public interface IRemoteStreams
{
    /// <summary>A player waits on a hub without a publisher: look for the stream elsewhere now.</summary>
    void PlayerWaiting();

    /// <summary>The publish lease moved to this gateway: the pull of the stream gives way.</summary>
    Task GiveWayAsync(string streamKey);
}
