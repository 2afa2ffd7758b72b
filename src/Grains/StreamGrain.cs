using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// One live stream, as SRS's live source plus its statistics entry: a single publisher at a time
/// (a second one is refused as "stream busy"), the players, codec facts and counters. The publish
/// lease lives while the holder's gateway keeps reporting traffic for it, so a vanished node frees
/// the stream name after <see cref="StreamGrainOptions.LeaseTimeout"/>. While it has a publisher or
/// players the stream is listed in the stream directory (what /api/v1/streams shows).
/// </summary>
public sealed partial class StreamGrain(
    [PersistentState("stream", StorageNames.Streams)] IPersistentState<StreamState> state,
    IOptions<StreamGrainOptions> options,
    ILogger<StreamGrain> logger) : Grain, IStreamGrain
{
    private sealed record Player(string GatewayId, DateTime JoinedUtc, PlayClaim Claim);

    private readonly StreamGrainOptions _options = options.Value;
    private readonly Dictionary<string, Player> _players = [];
    private readonly Dictionary<string, DateTime> _lastReportByGateway = [];
    // Claims the rules and hooks allowed, until TakeLease takes them up (at once, unless the silo is stopping).
    private readonly Dictionary<string, DateTime> _admitted = [];
    // In memory: each gateway's report carries its bridge again, so a moved grain learns it within one report.
    private readonly Dictionary<string, AudioBridgeInfo> _audioBridges = [];
    private readonly Dictionary<string, SnapshotImageInfo> _snapshots = [];
    private readonly RateWindow _rate = new();
    private (string Vhost, string App, string Stream) _name;
    private DateTime _leaseRenewedUtc;
    private DateTime _leaseWatchedSinceUtc;
    private IGrainTimer? _timer;
    private bool _listed;
    private bool _dirty;
    private bool _countersDirty;
    private DateTime _writtenUtc;

    private static readonly TimeSpan AdmissionLifetime = TimeSpan.FromSeconds(30);

    // Ends of a lease that its publisher did not ask for; such a lease is given back within this window.
    private const string LapseExpired = "lease expired";
    private const string LapseGatewayDead = "gateway dead";
    private static readonly TimeSpan RegainWindow = TimeSpan.FromMinutes(5);
    private DateTime _regainAskedUtc;
    private (string ClientId, VideoInfo? Video, AudioInfo? Audio)? _lapsed;

    // A live stream's counters reach storage this often (and at every lease or codec change); the
    // record then never outlives its retention while the stream is live.
    private static readonly TimeSpan CounterSaveInterval = TimeSpan.FromMinutes(1);

    private StreamState S => state.State;
    private string StreamId => S.StreamId!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _name = ParseKey(this.GetPrimaryKeyString());
        // A name only ever asked for by players gets an id but no record: nothing is stored until a publish.
        S.StreamId ??= Ids.NewVid();
        if (S.Lease is not null)
        {
            // A lease restored from storage gets a full timeout for its holder to report again.
            _leaseRenewedUtc = _leaseWatchedSinceUtc = DateTime.UtcNow;
            await UpdateListing(refresh: true);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty || _countersDirty)
        {
            await WriteState();
        }
    }

    public async Task<PublishVerdict> AcquirePublish(PublishClaim claim)
    {
        // Interleaves with other calls (see IStreamGrain): reads only, so a slow hook holds up nothing else;
        // the lease is taken in TakeLease, a turn of its own.
        var lease = S.Lease;
        var stale = lease is not null && DateTime.UtcNow - _leaseRenewedUtc > _options.LeaseTimeout;
        if (lease is not null && !stale && lease.ClientId != claim.ClientId)
        {
            return Busy(claim, lease);
        }
        if (lease?.ClientId != claim.ClientId && await RefuseNewPublisher(claim) is { } refused)
        {
            return refused;
        }
        _admitted[claim.ClientId] = DateTime.UtcNow;
        return await this.AsReference<IStreamGrain>().TakeLease(claim);
    }

    public async Task<PublishVerdict> TakeLease(PublishClaim claim)
    {
        var now = DateTime.UtcNow;
        await ExpireStaleLease(now);
        var admitted = _admitted.Remove(claim.ClientId, out var admittedUtc) && now - admittedUtc < AdmissionLifetime;

        var lease = S.Lease;
        if (lease is not null && lease.ClientId != claim.ClientId)
        {
            // Another publisher took the lease while this one's hooks were asked.
            return Busy(claim, lease);
        }

        if (lease is null)
        {
            if (!admitted)
            {
                logger.LogWarning("Publish of {Stream} by {Client} refused: not admitted by the security rules and hooks",
                    this.GetPrimaryKeyString(), claim.ClientId);
                return new PublishVerdict(false, StreamId, "not admitted");
            }
            S.Lease = lease = new PublishSession { ClientId = claim.ClientId, StartedUtc = now };
            // Codec facts belong to one publish session, as SRS resets them on unpublish; a publisher
            // publishing again after a lapse sends no new sequence headers, so it keeps its own.
            var regained = _lapsed is { } lapsed && lapsed.ClientId == claim.ClientId;
            S.Video = regained ? _lapsed!.Value.Video : null;
            S.Audio = regained ? _lapsed!.Value.Audio : null;
            _lapsed = null;
            Forwards.Clear();
            _leaseWatchedSinceUtc = now;
            logger.LogInformation("Stream {Stream} ({StreamId}) published by {Client} on {Gateway}",
                this.GetPrimaryKeyString(), StreamId, claim.ClientId, claim.GatewayId);
        }

        // A retried publish from the same client may come through another gateway.
        lease.GatewayId = claim.GatewayId;
        lease.Ip = claim.Ip;
        lease.TcUrl = claim.TcUrl;
        lease.Param = claim.Param;
        S.LastPublisherClientId = claim.ClientId;
        S.LastPublisherGatewayId = claim.GatewayId;
        S.TcUrl = claim.TcUrl;
        _leaseRenewedUtc = now;

        await WriteState();
        await UpdateListing();
        return new PublishVerdict(true, StreamId, null);
    }

    private PublishVerdict Busy(PublishClaim claim, PublishSession lease)
    {
        // Debug: the gateway logs refusals within a per-reason budget; a race of many publishers is not a line each here.
        logger.LogDebug("Publish of {Stream} by {Client} refused: held by {Holder} on {Gateway}",
            this.GetPrimaryKeyString(), claim.ClientId, lease.ClientId, lease.GatewayId);
        return new PublishVerdict(false, StreamId, $"StreamBusy: published by client {lease.ClientId}");
    }

    public async Task ReleasePublish(string clientId)
    {
        if (S.Lease?.ClientId == clientId)
        {
            await EndLease("unpublished", DateTime.UtcNow);
        }
    }

    public Task SetCodecs(string clientId, VideoInfo? video, AudioInfo? audio)
    {
        if (S.Lease?.ClientId != clientId)
        {
            logger.LogDebug("Codecs for {Stream} from {Client} ignored: not the publisher",
                this.GetPrimaryKeyString(), clientId);
            return Task.CompletedTask;
        }
        // Sequence headers arrive per track, so a missing one keeps what is already known.
        S.Video = video ?? S.Video;
        S.Audio = audio ?? S.Audio;
        _dirty = true;
        return Task.CompletedTask;
    }

    public async Task<PlayVerdict> PlayerJoined(PlayClaim claim)
    {
        // Interleaves with other calls (see IStreamGrain): nothing below may rely on state read before an await.
        if (await RefusePlayer(claim) is { } reason)
        {
            return new PlayVerdict(false, StreamId, reason);
        }
        _players[claim.ClientId] = new Player(claim.GatewayId, DateTime.UtcNow, claim);
        await UpdateListing();
        return new PlayVerdict(true, StreamId, null);
    }

    public async Task PlayerLeft(string clientId)
    {
        if (_players.Remove(clientId, out var player))
        {
            await NotifyStopped(player.Claim);
            await UpdateListing();
        }
    }

    public Task ReportTraffic(StreamTraffic traffic)
    {
        var now = DateTime.UtcNow;
        _lastReportByGateway[traffic.GatewayId] = now;
        if (traffic.AudioBridge is { } bridge)
        {
            _audioBridges[traffic.GatewayId] = bridge;
        }
        else
        {
            _audioBridges.Remove(traffic.GatewayId);
        }
        if (traffic.Snapshot is { } snapshot)
        {
            _snapshots[traffic.GatewayId] = snapshot;
        }
        else
        {
            _snapshots.Remove(traffic.GatewayId);
        }
        if (traffic.PublisherClientId is not null && traffic.PublisherClientId == S.Lease?.ClientId)
        {
            _leaseRenewedUtc = now;
        }
        else if (traffic.PublisherClientId is { } publisher && S.Lease is null)
        {
            RegainLapsedLease(publisher, traffic.GatewayId, now);
        }

        var latest = S.Gateways.GetValueOrDefault(traffic.GatewayId) ?? new TrafficCounters();
        if (traffic.RecvBytes < latest.RecvBytes || traffic.SendBytes < latest.SendBytes)
        {
            // The gateway started counting afresh (it restarted or stopped serving the stream in
            // between): keep what it had counted before.
            Fold(latest);
            latest = new TrafficCounters();
        }
        latest.RecvBytes = traffic.RecvBytes;
        latest.SendBytes = traffic.SendBytes;
        if (traffic.PublisherClientId is not null)
        {
            // Only the publisher's gateway counts the stream's frames; players' gateways would double them.
            if (traffic.VideoFrames < latest.VideoFrames)
            {
                S.Earlier.VideoFrames += latest.VideoFrames;
            }
            latest.VideoFrames = traffic.VideoFrames;
        }
        S.Gateways[traffic.GatewayId] = latest;

        var totals = Totals();
        _rate.Add(now, totals.RecvBytes, totals.SendBytes);
        _countersDirty = true;
        return Task.CompletedTask;
    }

    public async Task<PublisherLocation?> GetPublisher()
    {
        await ExpireStaleLease(DateTime.UtcNow);
        return S.Lease is { } lease ? new PublisherLocation(lease.ClientId, lease.GatewayId) : null;
    }

    public async Task<StreamSnapshot> GetSnapshot()
    {
        var now = DateTime.UtcNow;
        await ExpireStaleLease(now);
        var lease = S.Lease;
        var totals = Totals();
        var (recvKbps, sendKbps) = _rate.Kbps(now);
        return new StreamSnapshot(
            StreamId,
            _name.Vhost,
            _name.App,
            _name.Stream,
            S.TcUrl,
            Active: lease is not null,
            PublisherClientId: lease?.ClientId ?? S.LastPublisherClientId,
            PublisherGatewayId: lease?.GatewayId ?? S.LastPublisherGatewayId,
            Clients: _players.Count + (lease is null ? 0 : 1),
            totals.VideoFrames,
            totals.SendBytes,
            totals.RecvBytes,
            recvKbps,
            sendKbps,
            S.Video,
            S.Audio,
            lease?.StartedUtc,
            this.RuntimeIdentity,
            ForwardList(),
            _audioBridges.Count == 0 ? null : [.. _audioBridges.Values],
            // Only the publisher's gateway takes snapshots; one of an earlier publish is not shown.
            lease is not null ? _snapshots.GetValueOrDefault(lease.GatewayId) : null);
    }

    /// <summary>Runs while the stream is listed: expires the lease, drops players of dead gateways,
    /// saves counters and re-lists the stream (so a restarted directory fills up again).</summary>
    private async Task Check(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        await ExpireStaleLease(now);

        // A gateway gets one lease timeout after the lease starts before its liveness is judged,
        // so a publish racing the gateway's first heartbeat is not dropped.
        // Reports that renewed the lease lately prove the gateway lives whatever its grain says: a grain
        // activated again after its silo died knows nothing until the gateway's next heartbeat.
        if (S.Lease is { } lease && now - _leaseWatchedSinceUtc > _options.LeaseTimeout
            && now - _leaseRenewedUtc > _options.CheckPeriod * 2
            && await IsGatewayDead(lease.GatewayId))
        {
            await EndLease(LapseGatewayDead, now);
        }

        await DropPlayersOfDeadGateways(now);

        // Lease and codec changes are written at once or here; counters alone at most once a minute.
        if (_dirty || (_countersDirty && now - _writtenUtc > CounterSaveInterval))
        {
            await WriteState();
        }
        await UpdateListing(refresh: true);
    }

    private async Task DropPlayersOfDeadGateways(DateTime now)
    {
        var suspects = _players.Values
            .Where(p => now - p.JoinedUtc > _options.LeaseTimeout
                && now - _lastReportByGateway.GetValueOrDefault(p.GatewayId) > _options.LeaseTimeout)
            .Select(p => p.GatewayId)
            .Distinct()
            .ToList();
        foreach (var gatewayId in suspects)
        {
            if (await IsGatewayDead(gatewayId))
            {
                var gone = _players.Where(p => p.Value.GatewayId == gatewayId).Select(p => p.Key).ToList();
                foreach (var id in gone)
                {
                    if (_players.Remove(id, out var player))
                    {
                        await NotifyStopped(player.Claim);
                    }
                }
                logger.LogInformation("Dropped {Count} players of {Stream}: gateway {Gateway} is dead",
                    gone.Count, this.GetPrimaryKeyString(), gatewayId);
            }
        }
    }

    private async Task<bool> IsGatewayDead(string gatewayId)
    {
        try
        {
            return await GrainFactory.GetGrain<IGatewayGrain>(gatewayId).GetInfo() is null;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Liveness of gateway {Gateway} unknown", gatewayId);
            return false;
        }
    }

    private async Task ExpireStaleLease(DateTime now)
    {
        if (S.Lease is not null && now - _leaseRenewedUtc > _options.LeaseTimeout)
        {
            await EndLease(LapseExpired, now);
        }
    }

    /// <summary>
    /// A lease can lapse while its publisher is live: when a silo dies, the reports of the publisher's
    /// gateway can be held up (or its gateway grain start afresh) for longer than the lease lasts. When
    /// that gateway reports the same publisher again and nobody took the stream meanwhile, the publisher
    /// publishes again, through the rules and on_publish like any publish (its lapse sent on_unpublish).
    /// </summary>
    private void RegainLapsedLease(string clientId, string gatewayId, DateTime now)
    {
        var last = S.History.Count > 0 ? S.History[^1] : null;
        if (last is null || last.ClientId != clientId || last.EndReason is not (LapseExpired or LapseGatewayDead)
            || now - last.EndedUtc > RegainWindow || now - _regainAskedUtc < _options.LeaseTimeout)
        {
            return;
        }
        _regainAskedUtc = now;
        logger.LogWarning("Stream {Stream}: publisher {Client} on {Gateway} reports again after its lease lapsed ({Reason}); publishing it again",
            this.GetPrimaryKeyString(), clientId, gatewayId, last.EndReason);
        _ = Regain(new PublishClaim(clientId, gatewayId, last.Ip, last.TcUrl, last.Param));

        async Task Regain(PublishClaim claim)
        {
            try
            {
                var verdict = await this.AsReference<IStreamGrain>().AcquirePublish(claim);
                if (!verdict.Granted)
                {
                    logger.LogWarning("Stream {Stream}: publisher {Client} not published again: {Reason}",
                        this.GetPrimaryKeyString(), claim.ClientId, verdict.Reason);
                }
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Stream {Stream}: publisher {Client} not published again", this.GetPrimaryKeyString(), claim.ClientId);
            }
        }
    }

    private async Task EndLease(string reason, DateTime now)
    {
        var lease = S.Lease!;
        lease.EndedUtc = now;
        lease.EndReason = reason;
        S.History.Add(lease);
        if (S.History.Count > StreamState.MaxHistory)
        {
            S.History.RemoveRange(0, S.History.Count - StreamState.MaxHistory);
        }
        S.Lease = null;
        _lapsed = reason is LapseExpired or LapseGatewayDead ? (lease.ClientId, S.Video, S.Audio) : null;
        S.Video = null;
        S.Audio = null;
        Forwards.Clear();
        logger.LogInformation("Stream {Stream} unpublished by {Client}: {Reason}",
            this.GetPrimaryKeyString(), lease.ClientId, reason);
        await WriteState();
        await NotifyUnpublished(lease);
        await UpdateListing();
    }

    /// <summary>Lists the stream while it has a publisher or players, with a check timer running
    /// meanwhile; unlists it and stops the timer once it has neither.</summary>
    private async Task UpdateListing(bool refresh = false)
    {
        var directory = StreamDirectory.ShardOf(GrainFactory, StreamId);
        if (S.Lease is not null || _players.Count > 0)
        {
            // Marked before the call: players join interleaved, and a thousand joining at once should
            // list the stream once, not once each. A failed add is repeated by the next check.
            var listed = _listed;
            _listed = true;
            if (!listed || refresh)
            {
                await directory.Add(new StreamDirectoryEntry(StreamId, this.GetPrimaryKeyString()));
            }
            _timer ??= this.RegisterGrainTimer(Check, new GrainTimerCreationOptions(_options.CheckPeriod, _options.CheckPeriod)
            {
                KeepAlive = true,
            });
        }
        else
        {
            _timer?.Dispose();
            _timer = null;
            _rate.Clear();
            if (_listed)
            {
                _listed = false;
                await directory.Remove(StreamId);
            }
        }
    }

    /// <summary>Writes the record, unless the stream was never published (then there is nothing worth keeping).</summary>
    private async Task WriteState()
    {
        if (S.Lease is not null || S.History.Count > 0)
        {
            await state.WriteStateAsync();
            _writtenUtc = DateTime.UtcNow;
        }
        _dirty = _countersDirty = false;
    }

    private void Fold(TrafficCounters counters)
    {
        S.Earlier.RecvBytes += counters.RecvBytes;
        S.Earlier.SendBytes += counters.SendBytes;
        S.Earlier.VideoFrames += counters.VideoFrames;
    }

    private TrafficCounters Totals()
    {
        var totals = new TrafficCounters
        {
            RecvBytes = S.Earlier.RecvBytes,
            SendBytes = S.Earlier.SendBytes,
            VideoFrames = S.Earlier.VideoFrames,
        };
        foreach (var g in S.Gateways.Values)
        {
            totals.RecvBytes += g.RecvBytes;
            totals.SendBytes += g.SendBytes;
            totals.VideoFrames += g.VideoFrames;
        }
        return totals;
    }

    private static (string Vhost, string App, string Stream) ParseKey(string key)
    {
        try
        {
            return StreamKey.Parse(key);
        }
        catch (FormatException)
        {
            return (StreamKey.DefaultVhost, "", key);
        }
    }
}
