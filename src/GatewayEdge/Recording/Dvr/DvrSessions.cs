using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Recording.Dvr;

/// <summary>
/// The DVR side of one publish on this gateway: records when the DVR grain says so at publish time,
/// and starts or stops when the control API says so later. Files opened and closed are reported to
/// the stream's DVR grain.
/// </summary>
public sealed class DvrSession : IAsyncDisposable
{
    private readonly PublishContext _publish;
    private readonly ClusterLink _cluster;
    private readonly IMediaFileSystem _files;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HubTap? _tap;
    private DvrRecorder? _recorder;
    private DvrAssignment? _assignment;
    private bool _ended;

    internal DvrSession(PublishContext publish, ClusterLink cluster, IMediaFileSystem files, ILogger logger)
    {
        _publish = publish;
        _cluster = cluster;
        _files = files;
        _logger = logger;
    }

    public string StreamKey => _publish.Address.Key;

    public bool Recording => _tap is not null;

    public async Task StartAsync(DvrAssignment assignment)
    {
        await _gate.WaitAsync();
        try
        {
            if (_ended || _assignment == assignment)
            {
                return;
            }
            await StopLockedAsync();
            var address = _publish.Address;
            var grain = _cluster.Grains.GetGrain<IDvrGrain>(address.Key);
            var recorder = new DvrRecorder(assignment, address.Vhost, address.App, address.Stream, _publish.ClientId, _cluster.GatewayId, _files, _logger,
                file => _cluster.Fire(() => grain.FileOpened(file), "dvr file opened"),
                file => _cluster.Fire(() => grain.FileClosed(file), "dvr file closed"));
            _recorder = recorder;
            _assignment = assignment;
            _tap = HubTap.Start(_publish.Hub, "dvr", recorder.Write, recorder.Flush, _logger);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await StopLockedAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The publish ended: stops recording, and no start is taken afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _ended = true;
            await StopLockedAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopLockedAsync()
    {
        if (_tap is null)
        {
            return;
        }
        await _tap.DisposeAsync();
        _recorder!.Finish();
        _tap = null;
        _recorder = null;
        _assignment = null;
    }
}

/// <summary>This gateway's DVR sessions by stream key, for the control API's start and stop.</summary>
public sealed class DvrSessions(ILogger<DvrSessions> logger)
{
    private readonly Dictionary<string, DvrSession> _sessions = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    internal void Add(DvrSession session)
    {
        lock (_gate)
        {
            _sessions[session.StreamKey] = session;
        }
    }

    internal void Remove(DvrSession session)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(session.StreamKey, out var current) && current == session)
            {
                _sessions.Remove(session.StreamKey);
            }
        }
    }

    /// <summary>Starts (assignment) or stops (null) recording a stream published here; false if it is not.</summary>
    public async Task<bool> ControlAsync(string streamKey, DvrAssignment? assignment)
    {
        DvrSession? session;
        lock (_gate)
        {
            _sessions.TryGetValue(streamKey, out session);
        }
        if (session is null)
        {
            return false;
        }
        logger.LogInformation("DVR of {Stream} {Action} by the control API", streamKey, assignment is null ? "stopped" : "started");
        if (assignment is null)
        {
            await session.StopAsync();
        }
        else
        {
            await session.StartAsync(assignment);
        }
        return true;
    }
}

/// <summary>Runs a <see cref="DvrSession"/> beside every publish on this gateway.</summary>
public sealed class DvrPublishExtension(ClusterLink cluster, IMediaFileSystem files, DvrSessions sessions, ILoggerFactory loggers) : IPublishExtension
{
    private readonly ILogger _logger = loggers.CreateLogger<DvrRecorder>();

    public async ValueTask<IAsyncDisposable?> StartAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var session = new DvrSession(context, cluster, files, _logger);
        sessions.Add(session);
        var grain = cluster.Grains.GetGrain<IDvrGrain>(context.Address.Key);
        try
        {
            var publish = new DvrPublish(context.ClientId, cluster.GatewayId, context.StreamId, context.Ip, context.TcUrl, context.Address.Param);
            if (await grain.OnPublish(publish).WaitAsync(cancellationToken) is { } assignment)
            {
                await session.StartAsync(assignment);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning(ex, "DVR plan of {Stream} unavailable; not recording unless the API starts it", context.Address.Url);
        }
        return new Handle(session, sessions, grain, context.ClientId, cluster);
    }

    private sealed class Handle(DvrSession session, DvrSessions sessions, IDvrGrain grain, string clientId, ClusterLink cluster) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            sessions.Remove(session);
            await session.DisposeAsync();
            cluster.Fire(() => grain.OnUnpublish(clientId), "dvr unpublish");
        }
    }
}
