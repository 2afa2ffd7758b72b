
namespace OrleansLive.GatewayEdge;

/// <summary>How the server names itself to clients (RTMP connect reply, HTTP headers).</summary>
public static class ServerInfo
{
    public const string Name = "OrleansLive";

    /// <summary>The SRS release whose wire behaviour and API level this server follows.</summary>
    public const string Version = "6.0.0";

    public const string Signature = "OrleansLive/6.0.0";

    public const string Url = "https://github.com/orleanslive/orleanslive";
}
