using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>What a stream keeps across restarts: its SRS id, the current lease, publish history, counters.</summary>
[GenerateSerializer]
public sealed class StreamState
{
    /// <summary>SRS stream id ("vid-xxxxxxx"), assigned once.</summary>
    [Id(0)] public string? StreamId { get; set; }

    /// <summary>The publish session holding the lease, if any.</summary>
    [Id(1)] public PublishSession? Lease { get; set; }

    /// <summary>Most recent publish sessions, oldest first, capped at <see cref="MaxHistory"/>.</summary>
    [Id(2)] public List<PublishSession> History { get; set; } = [];

    [Id(3)] public string? LastPublisherClientId { get; set; }
    [Id(4)] public string? LastPublisherGatewayId { get; set; }
    [Id(5)] public string TcUrl { get; set; } = "";

    /// <summary>Counters from gateway reports that were superseded by a counter reset.</summary>
    [Id(6)] public TrafficCounters Earlier { get; set; } = new();

    /// <summary>Latest cumulative report per gateway id.</summary>
    [Id(7)] public Dictionary<string, TrafficCounters> Gateways { get; set; } = [];

    [Id(8)] public VideoInfo? Video { get; set; }
    [Id(9)] public AudioInfo? Audio { get; set; }

    /// <summary>The current publish's forwards by URL, as last reported, so the API still shows them
    /// after the grain moves to another silo.</summary>
    [Id(10)] public Dictionary<string, ForwardStatus> Forwards { get; set; } = [];

    public const int MaxHistory = 32;
}

/// <summary>One publish session: who held the lease, from when, until when and why it ended.</summary>
[GenerateSerializer]
public sealed class PublishSession
{
    [Id(0)] public string ClientId { get; set; } = "";
    [Id(1)] public string GatewayId { get; set; } = "";
    [Id(2)] public string Ip { get; set; } = "";
    [Id(3)] public string TcUrl { get; set; } = "";
    [Id(4)] public string Param { get; set; } = "";
    [Id(5)] public DateTime StartedUtc { get; set; }
    [Id(6)] public DateTime? EndedUtc { get; set; }
    [Id(7)] public string? EndReason { get; set; }
}

/// <summary>Cumulative counters; VideoFrames only counts reports from the publisher's gateway.</summary>
[GenerateSerializer]
public sealed class TrafficCounters
{
    [Id(0)] public long RecvBytes { get; set; }
    [Id(1)] public long SendBytes { get; set; }
    [Id(2)] public long VideoFrames { get; set; }
}
