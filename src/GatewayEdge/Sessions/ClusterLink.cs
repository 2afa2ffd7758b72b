using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;
using Polly;
using Polly.Retry;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>How many bookkeeping calls <see cref="ClusterLink.Fire"/> keeps waiting or retrying at once.</summary>
public sealed record ClusterLinkLimits(int MaxBacklog);

/// <summary>
/// The gateway's calls into the grains. Decisions (publish lease, vhost settings) are awaited;
/// bookkeeping (sessions, player joins) is fired off and only logged on failure, so a slow or briefly
/// unreachable cluster never stalls media; its backlog is bounded. Counters go in one traffic report a
/// second (Cluster/TrafficReporter).
/// </summary>
public sealed class ClusterLink
{
    private readonly IGrainFactory _grains;
    private readonly ILogger<ClusterLink> _logger;
    private readonly ResiliencePipeline _fireRetry;
    private readonly VhostSettingsCache _vhosts;
    private readonly GatewayMetrics _metrics;
    private readonly int _maxBacklog;
    private int _backlog;

    public ClusterLink(IGrainFactory grains, GatewayIdentity identity, WorkDirectory workDirectory, VhostSettingsCache vhosts,
        GatewayMetrics metrics, ClusterLinkLimits limits, ILogger<ClusterLink> logger)
    {
        _grains = grains;
        _vhosts = vhosts;
        _metrics = metrics;
        _maxBacklog = Math.Max(1, limits.MaxBacklog);
        _logger = logger;
        metrics.ObserveClusterBacklog(() => Volatile.Read(ref _backlog));
        GatewayId = identity.Id;
        WorkDirectory = workDirectory;
        _fireRetry = FireRetry();
    }

    public string GatewayId { get; }

    /// <summary>Where this gateway's relative HLS and DVR paths go.</summary>
    public WorkDirectory WorkDirectory { get; }

    public IGrainFactory Grains => _grains;

    public IStreamGrain Stream(string streamKey) => _grains.GetGrain<IStreamGrain>(streamKey);

    public IClientSessionGrain Client(string clientId) => _grains.GetGrain<IClientSessionGrain>(clientId);

    /// <summary>A vhost's settings from the gateway's copy of the cluster configuration, with its HLS path
    /// below this gateway's work directory. (DVR paths come with each recording's assignment and are
    /// resolved there.)</summary>
    public ValueTask<VhostSettings> GetVhostSettings(string vhost) => _vhosts.GetAsync(vhost);

    /// <summary>The version of the cluster's vhost configuration this gateway runs.</summary>
    public long VhostConfigVersion => _vhosts.Version;

    /// <summary>Bookkeeping calls waiting for an answer or a retry now.</summary>
    public int Backlog => Volatile.Read(ref _backlog);

    /// <summary>
    /// Runs a bookkeeping call in the background. A failure (a silo restarting, Redis away) is retried
    /// with backoff for about half a minute before it is logged and dropped, so a brief outage loses
    /// no session record. While <see cref="ClusterLinkLimits.MaxBacklog"/> calls are under way, a new
    /// one is dropped at once and counted, so a cluster that stopped answering cannot pile up memory.
    /// </summary>
    public void Fire(Func<Task> call, string what)
    {
        if (Interlocked.Increment(ref _backlog) > _maxBacklog)
        {
            Interlocked.Decrement(ref _backlog);
            _metrics.ClusterCallDropped(what);
            _logger.LogDebug("Cluster backlog full ({Backlog} calls), dropped: {What}", _maxBacklog, what);
            return;
        }
        _ = Run();

        async Task Run()
        {
            var context = ResilienceContextPool.Shared.Get();
            context.Properties.Set(WhatKey, what);
            try
            {
                await _fireRetry.ExecuteAsync(static async (_, call) => await call(), context, call);
            }
            catch (Exception ex)
            {
                _metrics.ClusterCallDropped(what);
                _logger.LogWarning(ex, "Cluster call failed {Attempts} times, giving up: {What}", FireAttempts, what);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
                Interlocked.Decrement(ref _backlog);
            }
        }
    }

    /// <summary>Six attempts, 1 s after the first failure and doubling (1+2+4+8+16 s), whatever failed.</summary>
    private ResiliencePipeline FireRetry() => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(),
            MaxRetryAttempts = FireAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromSeconds(1),
            UseJitter = false,
            OnRetry = args =>
            {
                _logger.LogDebug(args.Outcome.Exception, "Cluster call failed, retrying in {Delay}: {What}",
                    args.RetryDelay, args.Context.Properties.GetValue(WhatKey, ""));
                return default;
            },
        })
        .Build();

    private const int FireAttempts = 6;

    private static readonly ResiliencePropertyKey<string> WhatKey = new("orleans-live.cluster-call");
}
