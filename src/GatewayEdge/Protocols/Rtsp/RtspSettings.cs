namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>RTSP options ("Gateway:Rtsp"); the port is "Gateway:RtspPort".</summary>
public sealed class RtspSettings
{
    /// <summary>Accounts RTSP clients must give (Basic or Digest) before DESCRIBE or ANNOUNCE: user name →
    /// password. Empty (the default): no RTSP authentication; hooks and security rules still decide.
    /// The user name then reaches hooks and rules as the stream's <c>user=</c> param.</summary>
    public Dictionary<string, string> Users { get; set; } = [];

    /// <summary>Accept Basic credentials too (they cross the network in the clear); Digest always works.</summary>
    public bool AllowBasic { get; set; }

    /// <summary>The realm of the challenge.</summary>
    public string Realm { get; set; } = "OrleansLive";
}
