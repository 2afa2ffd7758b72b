using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// The one publish/play choreography of the gateway, for every protocol: the only code that calls the
/// stream, client-session and vhost grains for admission. A protocol adapter names its protocol and
/// client type and gets the same lease, hook verdicts, session records, hub attach and detach, publish
/// extensions, codec reports, log lines and API records as every other protocol.
/// </summary>
public sealed class StreamSessions
{
    private readonly StreamHubRegistry _hubs;
    private readonly ConnectionRegistry _connections;
    private readonly IRemoteStreams _remote;
    private readonly IReadOnlyList<IPublishExtension> _extensions;
    private readonly PlayerQueueLimits _playerLimits;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ReasonLog _refusalLog;

    public StreamSessions(
        ClusterLink cluster,
        StreamHubRegistry hubs,
        ConnectionRegistry connections,
        IRemoteStreams remote,
        IEnumerable<IPublishExtension> extensions,
        PlayerQueueLimits playerLimits,
        GatewayMetrics metrics,
        ILogger<StreamSessions> logger)
    {
        Cluster = cluster;
        _hubs = hubs;
        _connections = connections;
        _remote = remote;
        _extensions = [.. extensions];
        _playerLimits = playerLimits;
        _metrics = metrics;
        _logger = logger;
        _refusalLog = new ReasonLog(logger);
    }

    private ClusterLink Cluster { get; }

    /// <summary>A connection arrived: it is registered for kicks and counters. With
    /// <paramref name="recordNow"/> it gets a session record at once (RTMP, whose role comes later);
    /// otherwise its first record is written when a publish or play is admitted.</summary>
    public ClientSession Begin(IClientConnection connection, string protocol, string label, string ip, bool recordNow)
    {
        var client = new ClientSession(connection, protocol, label, ip);
        _connections.Add(connection);
        _metrics.Opened(client);
        if (recordNow)
        {
            Record(client, ClientSessionInfo.UnknownType, publish: false, address: null, streamId: null);
        }
        return client;
    }

    /// <summary>The connection ended: its record, if it has one, is closed with the connection's byte counts.</summary>
    public void End(ClientSession client)
    {
        _connections.Remove(client.Connection);
        _metrics.Closed(client);
        if (client.Recorded)
        {
            var (sent, recv) = (client.Connection.SentBytes, client.Connection.RecvBytes);
            Cluster.Fire(() => Cluster.Client(client.ClientId).Close(sent, recv), "close session");
        }
    }

    /// <summary>SRS's connect step: the vhost must be enabled and on_connect must allow the client.
    /// Returns the refusal reason, or null when the client may go on. Without an on_connect hook there
    /// is nothing to wait for: the connect is recorded in the background.</summary>
    public async Task<string?> ConnectAsync(ClientSession client, StreamAddress probe)
    {
        var settings = await Cluster.GetVhostSettings(probe.Vhost);
        if (!settings.Enabled)
        {
            _metrics.Refused(client, "connect", "disabled");
            return $"vhost '{probe.Vhost}' is disabled";
        }
        // At connect time SRS's request has the app and the tcUrl's query as its param, no stream yet.
        var info = client.Info(Cluster.GatewayId, ClientSessionInfo.UnknownType, false, probe with { Stream = "" }, null);
        if (settings.HttpHooks?.UrlsFor(HookActions.OnConnect) is not { Count: > 0 })
        {
            client.Recorded = true;
            Cluster.Fire(() => Cluster.Client(client.ClientId).Connect(info), "connect session");
            return null;
        }
        var verdict = await Cluster.Client(client.ClientId).Connect(info);
        if (verdict.Allowed)
        {
            return null;
        }
        _metrics.Refused(client, "connect", "hook");
        return $"connect refused: {verdict.Reason}";
    }

    /// <summary>
    /// Takes the publish lease (security rules and on_publish run in the stream grain), makes this
    /// client the publisher of the local hub and starts the publish extensions (HLS, DVR, forward).
    /// </summary>
    public async Task<SessionResult<PublishSession>> PublishAsync(ClientSession client, StreamAddress address, string clientType, CancellationToken cancellationToken)
    {
        var claim = new PublishClaim(client.ClientId, Cluster.GatewayId, client.Ip, client.TcUrl, address.Param);
        var verdict = await Cluster.Stream(address.Key).AcquirePublish(claim);
        if (!verdict.Granted)
        {
            return Refuse<PublishSession>(client, "publish", address, verdict.Reason ?? "stream is busy");
        }
        var hub = _hubs.Rent(address.Vhost, address.App, address.Stream, HubOptions(await SettingsFor(address.Vhost)));
        if (hub.PublisherIsEdge)
        {
            // The lease moved here: the pull from the old publisher's gateway gives way.
            await _remote.GiveWayAsync(address.Key);
        }
        if (!hub.TryAttachPublisher(client.ClientId))
        {
            _hubs.Return(hub);
            Cluster.Fire(() => Cluster.Stream(address.Key).ReleasePublish(client.ClientId), "release lease");
            return Refuse<PublishSession>(client, "publish", address, "stream is busy on this gateway");
        }
        Record(client, clientType, publish: true, address, verdict.StreamId);
        _logger.LogInformation("{Protocol} publish {Url} started (stream id {StreamId})", client.Label, address.Url, verdict.StreamId);
        var context = new PublishContext(hub, address, client.ClientId, verdict.StreamId, client.TcUrl, _logger) { Ip = client.Ip };
        var extensions = await StartExtensionsAsync(context, cancellationToken);
        return new(new PublishSession(this, client, hub, address, verdict.StreamId, extensions), null);
    }

    /// <summary>
    /// Adds the player's queue to the local hub, primed from the GOP cache, and records it; a stream
    /// published on another gateway is pulled here. When the vhost has an on_play hook or security
    /// rules, the stream grain decides first; otherwise nothing needs a verdict and the player starts
    /// at once while the stream grain and the session record learn of it in the background.
    /// </summary>
    public async Task<SessionResult<PlaySession>> PlayAsync(ClientSession client, StreamAddress address, string clientType, PlayerQueue queue)
    {
        var settings = await SettingsFor(address.Vhost);
        var claim = new PlayClaim(client.ClientId, Cluster.GatewayId, client.Ip, client.TcUrl, client.PageUrl, address.Param);
        if (NeedsPlayVerdict(settings))
        {
            PlayVerdict verdict;
            try
            {
                verdict = await Cluster.Stream(address.Key).PlayerJoined(claim);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Stream grain unavailable for {Url}", address.Url);
                return SessionResult<PlaySession>.NoAnswer("stream grain unavailable");
            }
            if (!verdict.Allowed)
            {
                return Refuse<PlaySession>(client, "play", address, verdict.Reason ?? "refused");
            }
            Record(client, clientType, publish: false, address, verdict.StreamId);
        }
        else
        {
            RecordInBackground(client, clientType, address, claim);
        }
        _logger.LogInformation("{Protocol} play {Url}", client.Label, address.Url);
        if (queue.MergesWrites)
        {
            queue.MergeWindowMilliseconds = settings.Play.MergedWriteMs;
        }
        var hub = _hubs.Rent(address.Vhost, address.App, address.Stream, HubOptions(settings));
        hub.AddPlayer(queue);
        if (hub.PublisherClientId is null)
        {
            _remote.PlayerWaiting();
        }
        return new(new PlaySession(this, client, hub, address, queue), null);
    }

    /// <summary>Security rules (SRS's play rules depend on the publish ones too) and on_play need the stream grain's verdict.</summary>
    private static bool NeedsPlayVerdict(VhostSettings settings) =>
        settings.Security is { Enabled: true } || settings.HttpHooks?.UrlsFor(HookActions.OnPlay) is { Count: > 0 };

    /// <summary>Lists an admitted player with the stream grain, then records its session with the
    /// stream's id. Marked recorded at once, so a close that comes first still reaches the record.
    /// Should the grain refuse after all (the settings changed meanwhile), the player is kicked.</summary>
    private void RecordInBackground(ClientSession client, string clientType, StreamAddress address, PlayClaim claim)
    {
        client.Recorded = true;
        Cluster.Fire(async () =>
        {
            var verdict = await Cluster.Stream(address.Key).PlayerJoined(claim);
            if (!verdict.Allowed)
            {
                _logger.LogWarning("{Protocol} play {Url} refused after it started: {Reason}", client.Label, address.Url, verdict.Reason);
                _metrics.Refused(client, "play", verdict.Reason ?? "refused");
                client.Connection.Kick();
                return;
            }
            var info = client.Info(Cluster.GatewayId, clientType, false, address, verdict.StreamId);
            await Cluster.Client(client.ClientId).Open(info);
        }, "player joined");
    }

    /// <summary>The video codec ("H264", "HEVC", "VP8", "VP9", "AV1") of a stream published on any
    /// gateway, as its stream grain has it; null when it is not published or has no video.</summary>
    public async Task<string?> PublishedVideoCodecAsync(StreamAddress address) =>
        await Cluster.Stream(address.Key).GetSnapshot() is { Active: true, Video: { } video } ? video.Codec : null;

    /// <summary>A vhost's settings, for protocol code that serves per-vhost files (HLS from disk).</summary>
    public ValueTask<VhostSettings> GetVhostSettingsAsync(string vhost) => Cluster.GetVhostSettings(vhost);

    /// <summary>A new player queue with the gateway's player limits; <paramref name="mergesWrites"/> lets
    /// it take the vhost's merged-write window when it plays (RTMP and HTTP players).</summary>
    public PlayerQueue NewPlayerQueue(ClientSession client, bool readsTsForm, Action<PlayerQueue> dropped, AudioFamily audio = AudioFamily.Classic, bool mergesWrites = false) =>
        new(client.ClientId, _playerLimits) { ReadsTsForm = readsTsForm, Dropped = dropped, AudioFamily = audio, MergesWrites = mergesWrites };

    internal void ReportCodecs(ClientSession client, StreamAddress address, VideoInfo? video, AudioInfo? audio) =>
        Cluster.Fire(() => Cluster.Stream(address.Key).SetCodecs(client.ClientId, video, audio), "set codecs");

    internal async Task EndPublishAsync(PublishSession session)
    {
        var (client, address) = (session.Client, session.Address);
        session.Hub.DetachPublisher(client.ClientId);
        await StopExtensionsAsync(session.Extensions);
        _hubs.Return(session.Hub);
        _logger.LogInformation("{Protocol} publish {Url} stopped", client.Label, address.Url);
        try
        {
            await Cluster.Stream(address.Key).ReleasePublish(client.ClientId);
        }
        catch (Exception ex)
        {
            // The lease then expires on its own once this gateway stops renewing it.
            _logger.LogWarning(ex, "Could not release the publish lease of {Url}", address.Url);
        }
    }

    internal void EndPlay(PlaySession session)
    {
        _metrics.PlayerLeft(session.Client, session.Queue);
        session.Queue.Complete(PlayerEnd.Closed);
        session.Hub.RemovePlayer(session.Queue);
        _hubs.Return(session.Hub);
        var clientId = session.Client.ClientId;
        Cluster.Fire(() => Cluster.Stream(session.Address.Key).PlayerLeft(clientId), "player left");
    }

    private SessionResult<T> Refuse<T>(ClientSession client, string action, StreamAddress address, string reason)
        where T : class
    {
        var kind = GatewayMetrics.ReasonKind(reason);
        _metrics.Refused(client, action, reason);
        // A thousand publishers racing for one stream name are a thousand refusals, not a thousand lines.
        if (_refusalLog.TryTake($"{action} {kind} {address.Url}", $"{action} requests of {address.Url} refused ({kind})"))
        {
            _logger.LogWarning("{Protocol} {Action} {Url} refused: {Reason}", client.Label, action, address.Url, reason);
        }
        return SessionResult<T>.Refused(reason);
    }

    private void Record(ClientSession client, string type, bool publish, StreamAddress? address, string? streamId)
    {
        client.Recorded = true;
        var info = client.Info(Cluster.GatewayId, type, publish, address, streamId);
        Cluster.Fire(() => Cluster.Client(client.ClientId).Open(info), "open session");
    }

    /// <summary>Starts every publish extension; one that fails is logged and left out.</summary>
    private async Task<List<IAsyncDisposable>> StartExtensionsAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var started = new List<IAsyncDisposable>();
        foreach (var extension in _extensions)
        {
            try
            {
                if (await extension.StartAsync(context, cancellationToken) is { } handle)
                {
                    started.Add(handle);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogError(ex, "{Extension} failed to start for {Url}", extension.GetType().Name, context.Address.Url);
            }
        }
        return started;
    }

    /// <summary>Stops what <see cref="StartExtensionsAsync"/> started, logging failures.</summary>
    private async Task StopExtensionsAsync(List<IAsyncDisposable> started)
    {
        foreach (var handle in started)
        {
            try
            {
                await handle.DisposeAsync();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "{Extension} failed to stop cleanly", handle.GetType().Name);
            }
        }
    }

    /// <summary>The vhost's settings; defaults if the cluster cannot say.</summary>
    private async ValueTask<VhostSettings> SettingsFor(string vhost)
    {
        try
        {
            return await Cluster.GetVhostSettings(vhost);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Vhost settings unavailable for {Vhost}; using defaults", vhost);
            return new VhostSettings();
        }
    }

    private static StreamHubOptions HubOptions(VhostSettings settings) =>
        new(settings.GopCache, RtmpToRtc: settings.Rtc.RtmpToRtc, RtcToRtmp: settings.Rtc.RtcToRtmp);
}
