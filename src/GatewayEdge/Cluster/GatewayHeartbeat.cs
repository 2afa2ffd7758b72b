using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>
/// Tells the gateway's grain every few seconds that this gateway lives, with an observer reference
/// the cluster uses to reach its connections. Re-sent each time, so a grain that moved to another
/// silo picks the observer up again.
/// </summary>
public sealed class GatewayHeartbeat : BackgroundService
{
    private readonly IGrainFactory _grains;
    private readonly GatewayIdentity _identity;
    private readonly GatewayEndpoints _endpoints;
    private readonly GatewayObserver _observer;
    private readonly ConnectionRegistry _connections;
    private readonly VhostSettingsCache _vhosts;
    private readonly GatewayOptions _options;
    private readonly ILogger<GatewayHeartbeat> _logger;

    public GatewayHeartbeat(
        IGrainFactory grains,
        GatewayIdentity identity,
        GatewayEndpoints endpoints,
        GatewayObserver observer,
        ConnectionRegistry connections,
        VhostSettingsCache vhosts,
        IOptions<GatewayOptions> options,
        ILogger<GatewayHeartbeat> logger)
    {
        _grains = grains;
        _identity = identity;
        _endpoints = endpoints;
        _observer = observer;
        _connections = connections;
        _vhosts = vhosts;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = _grains.CreateObjectReference<IGatewayObserver>(_observer);
        var grain = _grains.GetGrain<IGatewayGrain>(_identity.Id);
        var interval = TimeSpan.FromSeconds(Math.Max(1, _options.HeartbeatIntervalSeconds));
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                var info = new GatewayInfo(_identity.Id, _options.Host, _endpoints.RtmpPort, _endpoints.HttpPort, _connections.Count, _identity.StartedUtc,
                    _endpoints.SrtPort, _endpoints.RtcPort, _endpoints.RtcTcpPort, _endpoints.HttpsPort, _endpoints.RtmpsPort, _vhosts.Version);
                // Bounded by the interval: a call caught by a silo's death would otherwise wait for the
                // response timeout (30 s), longer than the gateway's liveness lasts in its grain's next activation.
                await grain.Heartbeat(info, reference).WaitAsync(interval, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Gateway heartbeat failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
