using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording.Dvr;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>Receives the cluster's requests for this gateway's connections.</summary>
public sealed class GatewayObserver : IGatewayObserver
{
    private readonly ConnectionRegistry _connections;
    private readonly DvrSessions _dvr;
    private readonly ILogger<GatewayObserver> _logger;

    public GatewayObserver(ConnectionRegistry connections, DvrSessions dvr, ILogger<GatewayObserver> logger)
    {
        _connections = connections;
        _dvr = dvr;
        _logger = logger;
    }

    public Task<bool> ControlDvr(string streamKey, DvrAssignment? assignment) => _dvr.ControlAsync(streamKey, assignment);

    public Task<bool> KickClient(string clientId)
    {
        if (!_connections.TryGet(clientId, out var connection))
        {
            return Task.FromResult(false);
        }
        using (_logger.BeginScope(LogScopes.Client, clientId))
        {
            _logger.LogInformation("Kicked by the HTTP API");
        }
        connection.Kick();
        return Task.FromResult(true);
    }
}
