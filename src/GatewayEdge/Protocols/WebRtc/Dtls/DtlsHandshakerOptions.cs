namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

public sealed class DtlsHandshakerOptions
{
    /// <summary>Handshakes running at once; each holds one dedicated thread while BouncyCastle blocks.</summary>
    public int MaxConcurrent { get; init; } = 64;

    /// <summary>Handshakes waiting for a slot; beyond these new ones are refused.</summary>
    public int MaxQueued { get; init; } = 256;

    /// <summary>The overall deadline from submission, queue wait included; then the transport is closed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}
