using Orleans.Concurrency;

namespace OrleansLive.Interfaces;

/// <summary>
/// One live stream, keyed by <see cref="StreamKey.Of"/>. Owns the publish lease (one publisher at a
/// time, as in SRS), the player list, codec facts and counters. Never sees media bytes.
/// </summary>
public interface IStreamGrain : IGrainWithStringKey
{
    /// <summary>Grants the lease unless another live publisher holds it, or the vhost's security
    /// rules or on_publish hooks refuse a new publisher. A lease whose gateway stopped reporting
    /// for longer than the lease timeout counts as released. Interleaves: the rules and hooks are
    /// asked without holding up the stream's other calls (a slow on_publish delays only this
    /// publisher), and the lease is then taken in a turn of its own (<see cref="TakeLease"/>).</summary>
    [AlwaysInterleave]
    Task<PublishVerdict> AcquirePublish(PublishClaim claim);

    /// <summary>The second half of <see cref="AcquirePublish"/>, which the stream grain calls on itself
    /// once the claim was admitted: takes the lease unless another publisher took it meanwhile. A claim
    /// that did not pass through AcquirePublish is refused.</summary>
    Task<PublishVerdict> TakeLease(PublishClaim claim);

    /// <summary>Releases the lease if this client holds it; otherwise does nothing.</summary>
    Task ReleasePublish(string clientId);

    /// <summary>Records codec facts read from the publisher's sequence headers.</summary>
    Task SetCodecs(string clientId, VideoInfo? video, AudioInfo? audio);

    /// <summary>A player asks to start: checks the vhost's security rules and on_play hooks, and
    /// lists the player when allowed. Interleaves with other calls so slow hooks of many players
    /// do not queue behind each other.</summary>
    [AlwaysInterleave]
    Task<PlayVerdict> PlayerJoined(PlayClaim claim);

    Task PlayerLeft(string clientId);

    /// <summary>Periodic (about once a second) counters from a gateway serving this stream, forwarded by
    /// that gateway's grain from its traffic report.</summary>
    [OneWay]
    Task ReportTraffic(StreamTraffic traffic);

    Task<PublisherLocation?> GetPublisher();

    Task<StreamSnapshot> GetSnapshot();

    /// <summary>The RTMP URLs the publisher's gateway forwards this stream to: the vhost's static
    /// destinations plus those its forward backend answers (SRS on_forward). Empty unless the client
    /// holds the lease. Records each URL as "connecting"; interleaves, so a slow backend does not hold
    /// up the stream's other calls.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<string>> GetForwardPlan(string clientId);

    /// <summary>A forward of the current publish changed state; shown in the API.</summary>
    Task ReportForward(ForwardStatus status);

    /// <summary>Whether <paramref name="gatewayId"/> runs the stream's supervised process
    /// <paramref name="name"/> (an ingest pushing into it), so one gateway of the cluster does: the
    /// gateway holding the publish lease; with no publisher, the first to ask, while it keeps asking
    /// (every few seconds). Gateways ask again each round.</summary>
    Task<bool> ClaimProcess(string name, string gatewayId);
}
