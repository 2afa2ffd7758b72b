using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Limits;

/// <summary>
/// Admits or refuses a new client connection: at most <see cref="GatewayLimitsOptions.MaxConnections"/>
/// open at once, and at most <see cref="GatewayLimitsOptions.MaxConnectionsPerIpPerSecond"/> attempts
/// per IP per second. Refusals are counted by reason and logged at most once a second.
/// </summary>
public sealed class ConnectionLimiter
{
    private const int MaxTrackedIps = 10_000;
    private readonly GatewayLimitsOptions _options;
    private readonly ILogger<ConnectionLimiter> _logger;
    private readonly Dictionary<IPAddress, (long Second, int Count)> _attempts = [];
    private readonly Lock _gate = new();
    private int _connections;
    private long _refusedMaxConnections;
    private long _refusedIpRate;
    private readonly RefusalLog _maxLog = new();
    private readonly RefusalLog _rateLog = new();

    public ConnectionLimiter(IOptions<GatewayLimitsOptions> options, ILogger<ConnectionLimiter> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    public int MaxConnections => _options.MaxConnections;

    public int MaxConnectionsPerIpPerSecond => _options.MaxConnectionsPerIpPerSecond;

    /// <summary>Connections admitted and not yet released.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public long RefusedMaxConnections => Interlocked.Read(ref _refusedMaxConnections);

    public long RefusedIpRate => Interlocked.Read(ref _refusedIpRate);

    /// <summary>Admits a connection from this address, or refuses it (and logs why). Dispose the
    /// admission when the connection ends.</summary>
    public bool TryAdmit(IPAddress? ip, string protocol, out IDisposable admission)
    {
        admission = NoAdmission.Instance;
        if (ip is not null && !WithinIpRate(ip))
        {
            Interlocked.Increment(ref _refusedIpRate);
            LogRefusal(_rateLog, protocol, ip, $"more than {_options.MaxConnectionsPerIpPerSecond} connections per second from this IP");
            return false;
        }
        var count = Interlocked.Increment(ref _connections);
        if (_options.MaxConnections > 0 && count > _options.MaxConnections)
        {
            Interlocked.Decrement(ref _connections);
            Interlocked.Increment(ref _refusedMaxConnections);
            LogRefusal(_maxLog, protocol, ip, $"max connections {_options.MaxConnections} reached");
            return false;
        }
        admission = new Admission(this);
        return true;
    }

    private bool WithinIpRate(IPAddress ip)
    {
        var limit = _options.MaxConnectionsPerIpPerSecond;
        if (limit <= 0)
        {
            return true;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        var second = Environment.TickCount64 / 1000;
        lock (_gate)
        {
            if (_attempts.Count >= MaxTrackedIps)
            {
                foreach (var stale in _attempts.Where(a => a.Value.Second != second).Select(a => a.Key).ToList())
                {
                    _attempts.Remove(stale);
                }
            }
            var (at, count) = _attempts.GetValueOrDefault(ip);
            count = at == second ? count + 1 : 1;
            _attempts[ip] = (second, count);
            return count <= limit;
        }
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

    private void Release() => Interlocked.Decrement(ref _connections);

    private sealed class Admission(ConnectionLimiter limiter) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                limiter.Release();
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
