using System.Net;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>SRS's <c>srt_server { }</c> as configuration ("Gateway:Srt"); the port is "Gateway:SrtPort".</summary>
public sealed class SrtSettings
{
    /// <summary>SRT latency in ms, both directions unless set apart (SRS <c>latency</c>).</summary>
    public int Latency { get; set; } = 120;

    /// <summary>The latency asked of the peer's sending side (<c>peerlatency</c>).</summary>
    public int PeerLatency { get; set; }

    /// <summary>Receive latency (<c>recvlatency</c>).</summary>
    public int RecvLatency { get; set; } = 120;

    /// <summary>Drop packets too late to play (<c>tlpktdrop</c>).</summary>
    public bool TlPktDrop { get; set; } = true;

    /// <summary>A peer silent this long is closed (<c>peer_idle_timeout</c>, ms).</summary>
    public int PeerIdleTimeout { get; set; } = 10000;

    /// <summary>Encryption secret, 10 to 79 characters; empty for none (<c>passphrase</c>).</summary>
    public string Passphrase { get; set; } = "";

    /// <summary>Key length 16, 24 or 32 with a passphrase; 0 lets the caller choose (<c>pbkeylen</c>).</summary>
    public int PbKeyLen { get; set; }

    public int Mss { get; set; } = 1500;

    /// <summary>Bytes per SRT message: 1316 = 7 TS packets (<c>payloadsize</c>).</summary>
    public int PayloadSize { get; set; } = 1316;

    /// <summary>Bytes per second libsrt paces each connection to; -1 for libsrt's default (<c>maxbw</c>).</summary>
    public long MaxBw { get; set; } = -1;

    /// <summary>The app of a streamid that names only a stream (<c>default_app</c>).</summary>
    public string DefaultApp { get; set; } = SrtStreamId.DefaultApp;

    public SrtServerOptions ToServerOptions(IPAddress bindAddress, int port) => new()
    {
        BindAddress = bindAddress,
        Port = port,
        LatencyMs = Latency,
        PeerLatencyMs = PeerLatency,
        RecvLatencyMs = RecvLatency,
        TooLatePacketDrop = TlPktDrop,
        PeerIdleTimeoutMs = PeerIdleTimeout,
        Passphrase = Passphrase.Length == 0 ? null : Passphrase,
        PbKeyLength = PbKeyLen,
        Mss = Mss,
        PayloadSize = PayloadSize,
        MaxBandwidth = MaxBw,
    };
}
