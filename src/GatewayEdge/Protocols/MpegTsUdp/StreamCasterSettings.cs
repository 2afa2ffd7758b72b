namespace OrleansLive.GatewayEdge.Protocols.MpegTsUdp;

/// <summary>
/// One of SRS's <c>stream_caster { }</c> blocks ("Gateway:StreamCasters:N"). Only the
/// <c>mpegts_over_udp</c> caster exists here: MPEG-TS datagrams on a UDP port publish one stream.
/// </summary>
public sealed class StreamCasterSettings
{
    public const string MpegTsOverUdp = "mpegts_over_udp";

    public bool Enabled { get; set; }

    /// <summary>The caster kind (SRS <c>caster</c>); <see cref="MpegTsOverUdp"/>.</summary>
    public string Caster { get; set; } = MpegTsOverUdp;

    /// <summary>The stream the datagrams publish, as SRS's <c>output</c> names it:
    /// <c>rtmp://host/app/stream</c> (a <c>?vhost=</c> query picks the vhost).</summary>
    public string Output { get; set; } = "rtmp://127.0.0.1/live/livestream";

    /// <summary>UDP port (SRS <c>listen</c>, default 8935); 0 picks a free port.</summary>
    public int Listen { get; set; } = 8935;

    /// <summary>The publish ends after this long without a datagram; the next datagram starts a new one.</summary>
    public int IdleTimeoutMs { get; set; } = 10_000;
}
