using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansLive.GatewayEdge.Limits;

/// <summary>
/// How many client connections (RTMP and HTTP, handshake or not) the process holds open at once, so that a flood never
/// takes its last file descriptors: HLS and DVR files and the cluster's sockets need some, and so does the runtime, which
/// with W^X maps new code through a descriptor and dies ("Out of memory.") without one. The capacity is the soft
/// descriptor limit less <see cref="GatewayLimitsOptions.DescriptorReserve"/> (at least half the limit), unless
/// <see cref="GatewayLimitsOptions.MaxOpenConnections"/> sets it. A connection past it is closed at once.
/// </summary>
public sealed class DescriptorBudget
{
    private int _open;

    public DescriptorBudget(IOptions<GatewayLimitsOptions> options, ILogger<DescriptorBudget> logger)
    {
        var limit = SoftLimit();
        Capacity = options.Value.MaxOpenConnections > 0 ? options.Value.MaxOpenConnections
            : limit is { } l ? Math.Max(l / 2, l - options.Value.DescriptorReserve)
            : int.MaxValue;
        logger.LogInformation("Client connections held open at most {Capacity} (descriptor limit {Limit})", Capacity,
            limit?.ToString(CultureInfo.InvariantCulture) ?? "unknown");
    }

    public int Capacity { get; }

    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a place for a connection just accepted; false when the budget is spent (close it at once).</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref _open) <= Capacity)
        {
            return true;
        }
        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Release() => Interlocked.Decrement(ref _open);

    /// <summary>The process's soft RLIMIT_NOFILE from /proc/self/limits; null where there is none to read or it is unlimited.</summary>
    private static int? SoftLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
            // Not Linux, or no /proc: no budget beyond the configured limits.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
        return null;
    }
}
