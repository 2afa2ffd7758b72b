
namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>Logging scope templates: every line about a connection carries its client id, the same id
/// the HTTP API shows, so one client can be followed through the logs.</summary>
public static class LogScopes
{
    public const string Client = "client {ClientId}";
}
