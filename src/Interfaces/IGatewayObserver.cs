namespace OrleansLive.Interfaces;

/// <summary>Implemented by each gateway process so the cluster can reach its connections.</summary>
public interface IGatewayObserver : IGrainObserver
{
    /// <summary>Closes the connection with this client id; false if the gateway does not hold it.</summary>
    Task<bool> KickClient(string clientId);

    /// <summary>Starts (with an assignment) or stops (null) recording a stream published on this
    /// gateway; false if the gateway does not hold its publisher.</summary>
    Task<bool> ControlDvr(string streamKey, DvrAssignment? assignment);
}
