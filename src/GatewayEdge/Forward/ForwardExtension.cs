using System.Net;
using System.Net.NetworkInformation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Forward;

/// <summary>
/// Forward (SRS `forward { }`): beside every publish on this gateway, asks the stream grain where to
/// push copies and keeps one RTMP publish running per destination until the publisher leaves.
/// The plan is fetched in the background, so a slow forward backend never delays the publisher.
/// </summary>
public sealed class ForwardExtension : IPublishExtension
{
    private readonly ClusterLink _cluster;
    private readonly GatewayOptions _options;
    private readonly GatewayEndpoints _endpoints;
    private readonly IReadOnlySet<string> _knownVhosts;
    private readonly Lazy<HashSet<string>> _localAddresses = new(LocalAddresses);

    public ForwardExtension(ClusterLink cluster, IOptions<GatewayOptions> options, GatewayEndpoints endpoints, IConfiguration configuration)
    {
        _cluster = cluster;
        _options = options.Value;
        _endpoints = endpoints;
        _knownVhosts = configuration.GetSection("Vhosts").GetChildren().Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>First retry delay; it doubles per failed attempt up to <see cref="MaxBackoff"/>.</summary>
    internal static TimeSpan FirstBackoff { get; } = TimeSpan.FromSeconds(1);

    internal static TimeSpan MaxBackoff { get; } = TimeSpan.FromSeconds(30);

    public ValueTask<IAsyncDisposable?> StartAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var session = new ForwardSession(context, this);
        session.Start();
        return ValueTask.FromResult<IAsyncDisposable?>(session);
    }

    internal ClusterLink Cluster => _cluster;

    internal GatewayOptions Options => _options;

    internal PlayerQueueLimits PlayerLimits => new(_options.PlayerMaxLagMilliseconds, _options.PlayerMaxQueueBytes, _options.PlayerMaxSkipsPerMinute);

    /// <summary>Delay before retry number <paramref name="failures"/> (1-based): 1 s, 2 s, 4 s ... 30 s.</summary>
    internal static TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Clamp(failures - 1, 0, 16));
        return TimeSpan.FromTicks((long)Math.Min(FirstBackoff.Ticks * factor, MaxBackoff.Ticks));
    }

    /// <summary>A destination that is this very stream on this gateway would feed itself.</summary>
    internal bool IsLoop(Protocols.Rtmp.RtmpUrl url, PublishContext context)
    {
        if (url.Port != _endpoints.RtmpPort || !IsThisHost(url.Host))
        {
            return false;
        }
        var target = StreamAddress.Resolve(url.Host, url.App, url.Stream, _knownVhosts);
        return target.Key == context.Address.Key;
    }

    private bool IsThisHost(string host)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.Equals(_options.Host, StringComparison.OrdinalIgnoreCase)
            || host.Equals(Dns.GetHostName(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(host, out var ip) && (IPAddress.IsLoopback(ip) || _localAddresses.Value.Contains(ip.ToString()));
    }

    private static HashSet<string> LocalAddresses()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var address in nic.GetIPProperties().UnicastAddresses)
                {
                    set.Add(address.Address.ToString());
                }
            }
        }
        catch (NetworkInformationException)
        {
            // Loopback and the configured host are still recognised.
        }
        return set;
    }
}
