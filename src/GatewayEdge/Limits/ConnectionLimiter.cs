using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Limits;

/// <summary>
/// Admits or refuses a new client connection: at most <see cref="GatewayLimitsOptions.MaxConnections"/>
/// open at once (a concurrency limiter), and at most <see cref="GatewayLimitsOptions.MaxConnectionsPerIpPerSecond"/>
/// attempts per IP per second (a fixed one-second window per address). Refusals are counted by
/// reason and logged at most once a second.
/// </summary>
public sealed class ConnectionLimiter : IDisposable
{
    private readonly GatewayLimitsOptions _options;
    private readonly ILogger<ConnectionLimiter> _logger;
    private readonly ConcurrencyLimiter _open;
    private readonly PartitionedRateLimiter<IPAddress>? _perIp;
    private readonly int _openPermits;
    private long _refusedIpRate;
    private readonly RefusalLog _maxLog = new();
    private readonly RefusalLog _rateLog = new();

    public ConnectionLimiter(IOptions<GatewayLimitsOptions> options, ILogger<ConnectionLimiter> logger)
    {
        _options = options.Value;
        _logger = logger;
        // No limit still counts the open connections.
        _openPermits = _options.MaxConnections > 0 ? _options.MaxConnections : int.MaxValue;
        _open = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = _openPermits, QueueLimit = 0 });
        var perSecond = _options.MaxConnectionsPerIpPerSecond;
        if (perSecond > 0)
        {
            // Idle windows are dropped by the partitioned limiter, so many addresses cost no memory for long.
            _perIp = PartitionedRateLimiter.Create<IPAddress, IPAddress>(ip => RateLimitPartition.GetFixedWindowLimiter(ip,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perSecond, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));
        }
    }

    public int MaxConnections => _options.MaxConnections;

    public int MaxConnectionsPerIpPerSecond => _options.MaxConnectionsPerIpPerSecond;

    /// <summary>Connections admitted and not yet released.</summary>
    public int Connections => (int)(_openPermits - (_open.GetStatistics()?.CurrentAvailablePermits ?? _openPermits));

    public long RefusedMaxConnections => _open.GetStatistics()?.TotalFailedLeases ?? 0;

    public long RefusedIpRate => Interlocked.Read(ref _refusedIpRate);

    /// <summary>Admits a connection from this address, or refuses it (and logs why). Dispose the
    /// admission when the connection ends.</summary>
    public bool TryAdmit(IPAddress? ip, string protocol, out IDisposable admission)
    {
        admission = NoAdmission.Instance;
        if (ip is not null && _perIp is not null)
        {
            using var rate = _perIp.AttemptAcquire(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
            if (!rate.IsAcquired)
            {
                Interlocked.Increment(ref _refusedIpRate);
                LogRefusal(_rateLog, protocol, ip, $"more than {_options.MaxConnectionsPerIpPerSecond} connections per second from this IP");
                return false;
            }
        }
        var lease = _open.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            LogRefusal(_maxLog, protocol, ip, $"max connections {_options.MaxConnections} reached");
            return false;
        }
        admission = new Admission(lease);
        return true;
    }

    public void Dispose()
    {
        _perIp?.Dispose();
        _open.Dispose();
    }

    /// <summary>Logs at most one refusal of each kind per second, with how many went unlogged since the last one.</summary>
    private void LogRefusal(RefusalLog log, string protocol, IPAddress? ip, string reason)
    {
        var second = Environment.TickCount64 / 1000;
        var last = Interlocked.Exchange(ref log.LastSecond, second);
        if (last == second)
        {
            Interlocked.Increment(ref log.Unlogged);
            return;
        }
        var more = Interlocked.Exchange(ref log.Unlogged, 0);
        _logger.LogWarning("{Protocol} connection from {Ip} refused: {Reason}{More}", protocol, ip, reason,
            more > 0 ? $" ({more} more refused since the last such line)" : "");
    }

    /// <summary>Gives the slot back once, however often the connection's clean-up disposes it.</summary>
    private sealed class Admission(RateLimitLease lease) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                lease.Dispose();
            }
        }
    }

    private sealed class RefusalLog
    {
        public long LastSecond = -1;
        public long Unlogged;
    }

    private sealed class NoAdmission : IDisposable
    {
        public static readonly NoAdmission Instance = new();

        public void Dispose()
        {
        }
    }
}
