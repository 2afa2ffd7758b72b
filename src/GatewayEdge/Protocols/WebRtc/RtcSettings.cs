namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>WebRTC options (configuration section "Gateway:Rtc", SRS `rtc_server { }`).</summary>
public sealed class RtcSettings
{
    /// <summary>Addresses put in the answers' candidates (SRS `candidate`; also the `CANDIDATE`
    /// environment variable, comma separated). Empty: the gateway's listen address, or its
    /// <see cref="GatewayOptions.Host"/> when it listens on every address.</summary>
    public List<string> Candidates { get; set; } = [];

    /// <summary>Which candidates the answers carry (SRS `rtc_server.protocol`): "udp", "tcp" (ICE-TCP
    /// only, for networks that block UDP) or "all". TCP candidates need <see cref="GatewayOptions.RtcTcpPort"/>.</summary>
    public string Protocol { get; set; } = "all";

    /// <summary>A session that gets no packet for this long ends: ICE never completed, or the peer
    /// vanished (consent freshness, RFC 7675, is 30 s as well).</summary>
    public int IdleTimeoutSeconds { get; set; } = 30;

    /// <summary>Sessions at once on this gateway, live or waiting for ICE; offers beyond are refused.</summary>
    public int MaxSessions { get; set; } = 10_000;

    /// <summary>DTLS handshakes running at once; more wait for a slot (they are short).</summary>
    public int MaxHandshakes { get; set; } = 64;

    /// <summary>Largest datagram sent (DTLS flights and RTP packets are cut to fit).</summary>
    public int Mtu { get; set; } = 1200;

    /// <summary>The largest SDP offer read.</summary>
    public int MaxSdpBytes { get; set; } = 64 * 1024;

    /// <summary>A WebRTC publisher that sent no keyframe for this long is asked for one (SRS
    /// `pli_for_rtmp`, 6 s): browsers and aiortc send keyframes only when asked, and RTMP, HLS and
    /// late players need GOPs of bounded length. 0 turns it off.</summary>
    public double KeyframeIntervalSeconds { get; set; } = 6;

    /// <summary>How often a publisher is asked for a keyframe at most (PLI), in milliseconds.</summary>
    public int PliIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Opus bitrate of a stream's AAC converted for WebRTC players, in bit/s (SRS: 48 kbit/s).</summary>
    public int OpusBitrate { get; set; } = 48_000;

    /// <summary>AAC bitrate of a WebRTC publisher's Opus converted for RTMP, FLV, TS, HLS and DVR, in bit/s.</summary>
    public int AacBitrate { get; set; } = 128_000;

    /// <summary>The candidate addresses for this gateway.</summary>
    public IReadOnlyList<string> ResolveCandidates(GatewayOptions gateway)
    {
        if (Candidates.Count > 0)
        {
            return Candidates;
        }
        if (Environment.GetEnvironmentVariable("CANDIDATE") is { Length: > 0 } env)
        {
            return env.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
        return [gateway.ListenAddress is "0.0.0.0" or "::" ? gateway.Host : gateway.ListenAddress];
    }
}
