using System.Net;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>
/// The listener's socket options, named and defaulted as in SRS's <c>srt_server</c>. Every accepted
/// connection inherits them. Port 0 binds a free port.
/// </summary>
public sealed record SrtServerOptions
{
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    public int Port { get; init; } = 10080;

    /// <summary>SRTO_LATENCY: sets both the receive and the peer latency; the two below then refine it.</summary>
    public int LatencyMs { get; init; } = 120;

    /// <summary>SRTO_PEERLATENCY: the minimum receive latency asked of the peer.</summary>
    public int PeerLatencyMs { get; init; }

    /// <summary>SRTO_RCVLATENCY: this side's receive buffer delay.</summary>
    public int RecvLatencyMs { get; init; } = 120;

    /// <summary>SRTO_TLPKTDROP: drop packets that arrive too late to play instead of stalling.</summary>
    public bool TooLatePacketDrop { get; init; } = true;

    /// <summary>SRTO_PEERIDLETIMEO: a peer silent for this long is disconnected.</summary>
    public int PeerIdleTimeoutMs { get; init; } = 10000;

    /// <summary>SRTO_PASSPHRASE: empty or null for no encryption, else 10 to 79 characters. Callers
    /// with another passphrase (or none) are refused by libsrt during the handshake.</summary>
    public string? Passphrase { get; init; }

    /// <summary>SRTO_PBKEYLEN: 0 (libsrt's default, AES-128), 16, 24 or 32 bytes.</summary>
    public int PbKeyLength { get; init; }

    /// <summary>SRTO_MSS: the largest UDP packet, headers included.</summary>
    public int Mss { get; init; } = 1500;

    /// <summary>SRTO_PAYLOADSIZE: the largest live message, 1316 = 7 TS packets.</summary>
    public int PayloadSize { get; init; } = 1316;

    /// <summary>SRTO_MAXBW in bytes per second: what libsrt paces each connection's sending to; -1
    /// leaves libsrt's default (1 Gbit/s in live mode).</summary>
    public long MaxBandwidth { get; init; } = -1;

    /// <summary>Connections waiting in libsrt's accept queue.</summary>
    public int Backlog { get; init; } = 128;

    /// <summary>Received messages queued per connection for its reader; newer ones are dropped (and
    /// counted) while the queue is full, so a slow reader never stalls the event loop.</summary>
    public int ReceiveQueueMessages { get; init; } = 4096;

    /// <summary>Throws when a value is one libsrt would refuse, with the option's name.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "SRT port must be 0..65535");
        }
        if (!string.IsNullOrEmpty(Passphrase) && Passphrase.Length is < 10 or > 79)
        {
            throw new ArgumentException("SRT passphrase must be 10 to 79 characters", nameof(Passphrase));
        }
        if (PbKeyLength is not (0 or 16 or 24 or 32))
        {
            throw new ArgumentOutOfRangeException(nameof(PbKeyLength), PbKeyLength, "SRT pbkeylen must be 0, 16, 24 or 32");
        }
        if (LatencyMs < 0 || PeerLatencyMs < 0 || RecvLatencyMs < 0 || PeerIdleTimeoutMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LatencyMs), "SRT latencies and timeouts cannot be negative");
        }
        if (Mss is < 76 or > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(Mss), Mss, "SRT mss must be 76..65536");
        }
        if (PayloadSize is < 188 or > 1456)
        {
            throw new ArgumentOutOfRangeException(nameof(PayloadSize), PayloadSize, "SRT live payloadsize must be 188..1456");
        }
        if (Backlog < 1 || ReceiveQueueMessages < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Backlog), "SRT backlog and receive queue must be positive");
        }
    }
}
