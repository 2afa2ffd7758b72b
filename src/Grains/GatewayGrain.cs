using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// One gateway process: its last heartbeat, the observer that reaches its connections, and (see
/// GatewayGrain.Report.cs) its live connections and streams from its traffic reports. Nothing is
/// persisted: a gateway that is alive heartbeats and reports again within seconds (all its
/// connections, when asked), and one that is not must read as dead anyway.
/// </summary>
public sealed partial class GatewayGrain(
    IOptions<GatewayGrainOptions> options,
    IOptions<StreamGrainOptions> streamOptions,
    ILogger<GatewayGrain> logger)
    : Grain, IGatewayGrain
{
    private readonly GatewayGrainOptions _options = options.Value;
    private GatewayInfo? _info;
    private IGatewayObserver? _observer;
    private DateTime _heartbeatUtc;

    // The last heartbeat or traffic report: either shows the gateway lives.
    private DateTime _seenUtc;

    private bool IsAlive => _info is not null && DateTime.UtcNow - _heartbeatUtc <= _options.LivenessTimeout;

    private bool IsSeen => DateTime.UtcNow - _seenUtc <= _options.LivenessTimeout;

    private string GatewayId => this.GetPrimaryKeyString();

    public Task Heartbeat(GatewayInfo info, IGatewayObserver observer)
    {
        if (_info is null || !IsAlive)
        {
            logger.LogInformation("Gateway {Gateway} is up at {Host} (rtmp {Rtmp}, http {Http})",
                info.GatewayId, info.Host, info.RtmpPort, info.HttpPort);
        }
        _info = info;
        _observer = observer;
        _heartbeatUtc = _seenUtc = DateTime.UtcNow;
        // Every heartbeat, so a directory lost with its silo lists the gateway again within seconds.
        _ = GrainFactory.GetGrain<IGatewayDirectoryGrain>(0).Seen(GatewayId);
        return Task.CompletedTask;
    }

    public Task<GatewayInfo?> GetInfo() => Task.FromResult(IsAlive ? _info : null);

    public async Task<bool> Kick(string clientId)
    {
        if (!IsAlive || _observer is null)
        {
            return false;
        }
        try
        {
            return await _observer.KickClient(clientId).WaitAsync(_options.KickTimeout);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Kick of client {Client} on gateway {Gateway} failed", clientId, GatewayId);
            return false;
        }
    }

    public async Task<bool> ControlDvr(string streamKey, DvrAssignment? assignment)
    {
        if (!IsAlive || _observer is null)
        {
            return false;
        }
        try
        {
            return await _observer.ControlDvr(streamKey, assignment).WaitAsync(_options.KickTimeout);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "DVR {Action} of {Stream} on gateway {Gateway} failed",
                assignment is null ? "stop" : "start", streamKey, GatewayId);
            return false;
        }
    }
}
