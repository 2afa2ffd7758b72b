using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Limits;

/// <summary>
/// Connections the gateway closed on its own because the peer misbehaved or stalled: counted by protocol and reason
/// (the metric live_gateway_connection_drops_total) and logged by their owner within a per-reason budget, so ten thousand
/// connections that never finish their handshake cost a few log lines and a summary, not ten thousand.
/// </summary>
public sealed partial class ConnectionDrops
{
    /// <summary>The peer sent no complete handshake (RTMP) or request head (HTTP) in time.</summary>
    public const string HandshakeTimeout = "handshake_timeout";

    /// <summary>The peer sent a handshake that is not RTMP's, or closed in the middle of it.</summary>
    public const string HandshakeError = "handshake_error";

    /// <summary>The peer broke the protocol after its handshake.</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>A connection that does not play sent nothing for the receive timeout.</summary>
    public const string IdleTimeout = "idle_timeout";

    /// <summary>A send to a player did not complete within the send timeout (a reader slower than the stream).</summary>
    public const string SendTimeout = "send_timeout";

    /// <summary>A player skipped ahead too often: it cannot keep up with the stream.</summary>
    public const string TooSlow = "too_slow";

    /// <summary>The process holds as many client connections as its descriptor limit leaves room for (<see cref="DescriptorBudget"/>).</summary>
    public const string Descriptors = "descriptors";

    /// <summary>A publish or play was refused (busy stream, security rules, hooks) and the connection closed.</summary>
    public const string Refused = "refused";

    private readonly ConcurrentDictionary<(string Protocol, string Reason), long> _counts = new();
    private readonly KeyValuePair<string, object?> _gateway;

    public ConnectionDrops(GatewayMetrics metrics, ILogger<ConnectionDrops> logger)
    {
        _gateway = metrics.GatewayTag;
        Log = new ReasonLog(logger);
        metrics.Meter.CreateObservableCounter("live_gateway_connection_drops", () => _counts.Select(c =>
            new Measurement<long>(c.Value, _gateway, new("protocol", c.Key.Protocol), new("reason", c.Key.Reason))),
            description: "Connections the gateway closed because the peer misbehaved or stalled, by protocol and reason.");
    }

    /// <summary>The per-reason budget the owners of dropped connections log within.</summary>
    public ReasonLog Log { get; }

    /// <summary>Counts a dropped connection; true when its owner may log the line for it now, false when the line is left
    /// to the summary. Each reason has its budget, and so has each <paramref name="detail"/> of it (a protocol error's
    /// message), its numbers aside: a thousand peers sending one bad thing are one line, two bad things two.</summary>
    public bool Drop(string protocol, string reason, string? detail = null)
    {
        _counts.AddOrUpdate((protocol, reason), 1, static (_, n) => n + 1);
        var what = detail is null ? reason : $"{reason}: {Digits().Replace(detail, "#")}";
        return Log.TryTake(protocol + "/" + what, $"{protocol} connections dropped ({what})");
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    /// <summary>How many connections were dropped for this reason since start.</summary>
    public long Count(string protocol, string reason) => _counts.GetValueOrDefault((protocol, reason));
}
