using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>One connection's stored record; kept after the connection ends so it can still be read.</summary>
[GenerateSerializer]
public sealed class ClientSessionState
{
    /// <summary>Null until the gateway opens the record.</summary>
    [Id(0)] public ClientSessionInfo? Info { get; set; }
    [Id(1)] public DateTime? EndedUtc { get; set; }
    [Id(2)] public long SendBytes { get; set; }
    [Id(3)] public long RecvBytes { get; set; }

    /// <summary>The RTMP connect passed its on_connect hooks; only such a session reports on_close.</summary>
    [Id(4)] public bool Connected { get; set; }

    /// <summary>WebRTC clients' packet counters; null for other protocols.</summary>
    [Id(5)] public RtpClientStats? Rtp { get; set; }
}
