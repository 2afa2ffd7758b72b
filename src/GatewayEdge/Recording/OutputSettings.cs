using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Recording;

/// <summary>The settings of one output written beside a publish (HLS, DASH, snapshots).</summary>
internal static class OutputSettings
{
    /// <summary>The vhost's settings of the output, or null (with a warning) when they cannot be had: the
    /// publish goes on without that output.</summary>
    public static async ValueTask<T?> GetAsync<T>(ClusterLink cluster, StreamAddress address, Func<VhostSettings, T> select, string output,
        ILogger logger, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return select(await cluster.GetVhostSettings(address.Vhost).AsTask().WaitAsync(cancellationToken));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "{Output} settings of {Vhost} unavailable; {Url} goes on without it", output, address.Vhost, address.Url);
            return null;
        }
    }
}
