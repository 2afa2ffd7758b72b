using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>
/// Runs the vhosts' ingests (SRS `ingest { }`) and reports every supervised process of the gateway.
/// Every few seconds, and at once when the vhost configuration changes, it asks the stream grain of each
/// ingest it would run whether this gateway runs it (the gateway holding the stream's publish lease, or
/// the first to ask), so one gateway of the cluster pushes each ingest: an ingest added to the
/// configuration starts, a removed one stops, a changed one starts again with its new command. The
/// process directory grain gets the gateway's processes for the API.
/// </summary>
public sealed partial class IngestRunner : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly IGrainFactory _grains;
    private readonly VhostSettingsCache _vhosts;
    private readonly GatewayEndpoints _endpoints;
    private readonly StreamHubRegistry _hubs;
    private readonly ProcessTable _table;
    private readonly GatewayIdentity _identity;
    private readonly IngestRunnerSettings _settings;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<IngestRunner> _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);

    private sealed record Wanted(string Vhost, IngestSettings Ingest, string StreamKey, IReadOnlyList<string> Argv, bool PushesHere);

    private sealed record Running(Wanted Wanted, SupervisedProcess Process)
    {
        // The stream's received bytes at the last round and since when they have not changed.
        public long Bytes { get; set; } = -1;

        public DateTime SinceUtc { get; set; } = DateTime.UtcNow;
    }

    public IngestRunner(IGrainFactory grains, VhostSettingsCache vhosts, GatewayEndpoints endpoints, StreamHubRegistry hubs, ProcessTable table, GatewayIdentity identity,
        IOptions<GatewayOptions> options, ILoggerFactory loggers)
    {
        (_grains, _vhosts, _endpoints, _hubs, _table, _identity, _settings, _loggers) = (grains, vhosts, endpoints, hubs, table, identity, options.Value.Ingest, loggers);
        _logger = loggers.CreateLogger<IngestRunner>();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _vhosts.Adopted += Signal;
        try
        {
            await _endpoints.Ready.WaitAsync(stoppingToken).ConfigureAwait(false);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RoundAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogReportFailed(ex.Message);
                }
                try
                {
                    await _changed.WaitAsync(Interval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _vhosts.Adopted -= Signal;
            await Task.WhenAll(_running.Keys.ToList().Select(StopAsync)).ConfigureAwait(false);
        }
    }

    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        var wanted = _settings.Enabled ? await WantedAsync().ConfigureAwait(false) : [];
        IReadOnlyCollection<string> granted;
        try
        {
            // Each stream grain decides which gateway runs the ingests pushing into it.
            var claims = wanted.Select(async w => (w.Key, Granted: await _grains.GetGrain<IStreamGrain>(w.Value.StreamKey)
                .ClaimProcess(ProcessKinds.Ingest + ":" + w.Value.Ingest.Id, _identity.Id).ConfigureAwait(false))).ToList();
            granted = [.. (await Task.WhenAll(claims).WaitAsync(Interval * 2, stoppingToken).ConfigureAwait(false)).Where(c => c.Granted).Select(c => c.Key)];
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // Without an answer, keep what runs (the claim is still ours for a while) and start nothing.
            LogReportFailed(ex.Message);
            granted = _running.Keys.Where(wanted.ContainsKey).ToList();
        }
        try
        {
            await _grains.GetGrain<IProcessDirectoryGrain>(0).Report(new ProcessReport(_identity.Id, _table.Statuses()))
                .WaitAsync(Interval * 2, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogReportFailed(ex.Message);
        }
        Watch();
        var grantedSet = granted.ToHashSet(StringComparer.Ordinal);
        foreach (var (key, running) in _running.ToList())
        {
            if (!grantedSet.Contains(key) || !wanted.TryGetValue(key, out var now) || !now.Argv.SequenceEqual(running.Wanted.Argv))
            {
                await StopAsync(key).ConfigureAwait(false);
            }
        }
        foreach (var key in grantedSet)
        {
            if (!_running.ContainsKey(key) && wanted.TryGetValue(key, out var start))
            {
                var process = new SupervisedProcess(ProcessKinds.Ingest, start.Ingest.Id, start.StreamKey, start.Argv,
                    _loggers.CreateLogger("OrleansLive.GatewayEdge.Processes.Ingest"));
                _running[key] = new Running(start, process);
                _table.Add(process);
                LogStarting(start.Ingest.Id, start.Vhost, string.Join(' ', start.Argv));
                process.Start();
            }
        }
    }

    /// <summary>Ends an ingest that runs but whose stream here has received nothing for the stall time.</summary>
    private void Watch()
    {
        var stall = TimeSpan.FromSeconds(Math.Max(1, _settings.StallSeconds));
        var now = DateTime.UtcNow;
        foreach (var running in _running.Values.Where(r => r.Wanted.PushesHere))
        {
            var bytes = _hubs.Find(running.Wanted.StreamKey) is { PublisherClientId: not null } hub ? hub.RecvBytes : -1;
            if (bytes != running.Bytes || running.Process.RunningSinceUtc is not { } since)
            {
                (running.Bytes, running.SinceUtc) = (bytes, now);
            }
            else if (now - running.SinceUtc >= stall && now - since >= stall)
            {
                running.Process.Recycle($"no media reached {running.Wanted.StreamKey} for {stall.TotalSeconds:0} s");
                (running.Bytes, running.SinceUtc) = (bytes, now);
            }
        }
    }

    private async Task StopAsync(string key)
    {
        if (_running.Remove(key, out var running))
        {
            await running.Process.DisposeAsync().ConfigureAwait(false);
            _table.Remove(running.Process);
        }
    }

    private async Task<Dictionary<string, Wanted>> WantedAsync()
    {
        var wanted = new Dictionary<string, Wanted>(StringComparer.Ordinal);
        var known = _vhosts.Names.ToHashSet(StringComparer.Ordinal);
        foreach (var vhost in known)
        {
            var settings = await _vhosts.GetAsync(vhost).ConfigureAwait(false);
            if (!settings.Enabled || settings.Ingests is not { } ingests)
            {
                continue;
            }
            foreach (var ingest in ingests)
            {
                var streamKey = IngestCommand.StreamKeyOf(ingest, vhost, _endpoints.RtmpPort, known);
                var output = IngestCommand.Output(ingest, vhost, _endpoints.RtmpPort);
                var here = output.StartsWith($"rtmp://127.0.0.1:{_endpoints.RtmpPort}/", StringComparison.OrdinalIgnoreCase)
                    || output.StartsWith($"rtmp://localhost:{_endpoints.RtmpPort}/", StringComparison.OrdinalIgnoreCase);
                wanted[streamKey + "#" + ingest.Id] = new Wanted(vhost, ingest, streamKey, IngestCommand.Argv(ingest, vhost, _endpoints.RtmpPort), here);
            }
        }
        return wanted;
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest {Id} of vhost {Vhost} runs here: {Command}")]
    private partial void LogStarting(string id, string vhost, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest claims or process report not sent: {Error}")]
    private partial void LogReportFailed(string error);
}
