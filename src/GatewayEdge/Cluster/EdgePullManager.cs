using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>
/// Starts an <see cref="EdgePull"/> for every hub here that has players but no publisher, when the
/// stream grain says the publisher is on another gateway; stops it when the last player leaves.
/// Players poke it (<see cref="EdgePulls.Poke"/>) on arrival; a periodic pass also catches
/// publishers that appear later.
/// </summary>
public sealed class EdgePullManager : BackgroundService
{
    private readonly GatewayContext _gateway;
    private readonly ILogger<EdgePullManager> _logger;
    private readonly EdgePulls _pulls;
    private readonly Dictionary<string, DateTime> _retryAfter = new();

    public EdgePullManager(GatewayContext gateway, EdgePulls pulls, ILogger<EdgePullManager> logger)
    {
        _gateway = gateway;
        _pulls = pulls;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var ticking = tick.WaitForNextTickAsync(stoppingToken).AsTask();
        var poked = _pulls.Wakeup.WaitAsync().AsTask();
        while (!stoppingToken.IsCancellationRequested)
        {
            var done = await Task.WhenAny(ticking, poked);
            if (done == ticking)
            {
                if (!await ticking)
                {
                    break;
                }
                ticking = tick.WaitForNextTickAsync(stoppingToken).AsTask();
            }
            else
            {
                poked = _pulls.Wakeup.WaitAsync().AsTask();
            }
            try
            {
                await ReconcileAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Edge pull pass failed");
            }
        }
        var running = _pulls.Snapshot();
        foreach (var pull in running)
        {
            pull.Stop();
        }
        await Task.WhenAll(running.Select(p => p.Completion));
    }

    private async Task ReconcileAsync()
    {
        foreach (var pull in _pulls.Snapshot())
        {
            if (pull.Completion.IsCompleted)
            {
                _pulls.Remove(pull);
                _gateway.Hubs.Return(pull.Hub);
            }
            else if (pull.Hub.PlayerCount == 0)
            {
                pull.Stop();
            }
        }
        var now = DateTime.UtcNow;
        foreach (var key in _retryAfter.Where(r => r.Value <= now).Select(r => r.Key).ToList())
        {
            _retryAfter.Remove(key);
        }
        foreach (var hub in _gateway.Hubs.Snapshot())
        {
            if (hub.PlayerCount == 0 || hub.PublisherClientId is not null || _pulls.Contains(hub.Key)
                || (_retryAfter.TryGetValue(hub.Key, out var after) && now < after))
            {
                continue;
            }
            var location = await _gateway.Cluster.Stream(hub.Key).GetPublisher();
            if (location is null || location.GatewayId == _gateway.Cluster.GatewayId)
            {
                continue;
            }
            var origin = await _gateway.Cluster.Grains.GetGrain<IGatewayGrain>(location.GatewayId).GetInfo();
            if (origin is null)
            {
                _retryAfter[hub.Key] = now.AddSeconds(2);
                continue;
            }
            var rented = _gateway.Hubs.Rent(hub.Vhost, hub.App, hub.Stream, hub.Options);
            var pull = new EdgePull(rented, origin, _gateway, _logger);
            _pulls.Add(pull);
            // A pull that fails at once is not retried for a moment, so a broken origin is not hammered.
            _retryAfter[hub.Key] = now.AddSeconds(2);
            pull.Start();
        }
    }
}
