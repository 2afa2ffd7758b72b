using OrleansLive.GatewayEdge.Protocols.MpegTsUdp;
using OrleansLive.GatewayEdge.Protocols.Rtsp;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge;

/// <summary>Settings of one gateway process (configuration section "Gateway").</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Stable id of this gateway in the cluster; generated per process when empty.</summary>
    public string Id { get; set; } = "";

    /// <summary>Address other gateways and tools use to reach this one.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Address the listeners bind to.</summary>
    public string ListenAddress { get; set; } = "0.0.0.0";

    /// <summary>RTMP port (SRS `listen`); 0 picks a free port.</summary>
    public int RtmpPort { get; set; } = 1935;

    /// <summary>HTTP streaming port (SRS `http_server.listen`); 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>HTTPS streaming port (SRS `http_server.https.listen`, 8088 there): the same streams, HLS
    /// files and WHIP/WHEP as <see cref="HttpPort"/> over TLS. 0 picks a free port, -1 (the default, as
    /// in SRS) turns it off.</summary>
    public int HttpsPort { get; set; } = -1;

    /// <summary>RTMPS port (RTMP over TLS, SRS 7's `rtmps.listen`; 443 or 1936 by convention). 0 picks a
    /// free port, -1 (the default) turns it off.</summary>
    public int RtmpsPort { get; set; } = -1;

    /// <summary>SRT port, UDP (SRS `srt_server.listen`); 0 picks a free port, -1 turns SRT off.</summary>
    public int SrtPort { get; set; } = 10080;

    /// <summary>SRT options (SRS `srt_server { }`).</summary>
    public SrtSettings Srt { get; set; } = new();

    /// <summary>WebRTC port, UDP (SRS `rtc_server.listen`): STUN, DTLS and SRTP of every session on
    /// one socket. 0 picks a free port, -1 turns WebRTC off.</summary>
    public int RtcPort { get; set; } = 8000;

    /// <summary>ICE-TCP port (SRS `rtc_server.tcp.listen`): the same sessions over TCP (RFC 4571
    /// framing) for networks that block UDP. 0 picks a free port, -1 turns it off.</summary>
    public int RtcTcpPort { get; set; } = -1;

    /// <summary>WebRTC options (SRS `rtc_server { }`).</summary>
    public RtcSettings Rtc { get; set; } = new();

    /// <summary>RTSP port, TCP (554 by convention): play any stream and publish with ANNOUNCE/RECORD,
    /// RTP over TCP interleaved or UDP. Experimental: 0 (the default) turns RTSP off.</summary>
    public int RtspPort { get; set; }

    /// <summary>RTSP options (accounts for Basic and Digest authentication).</summary>
    public RtspSettings Rtsp { get; set; } = new();

    /// <summary>SRS `stream_caster { }` blocks: MPEG-TS over UDP ports that publish a stream each.</summary>
    public List<StreamCasterSettings> StreamCasters { get; set; } = [];

    /// <summary>Outgoing RTMP chunk size (SRS `chunk_size`, default 60000).</summary>
    public int OutChunkSize { get; set; } = 60000;

    /// <summary>Largest RTMP message accepted from a peer.</summary>
    public int MaxMessageBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>An RTMP (or RTMPS) connection that has not finished its handshake in this time is closed.</summary>
    public int HandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>An HTTP connection (stream port) that has not sent its whole request head this long after its first byte is
    /// closed with 408: a slow-loris client holds a connection for no longer.</summary>
    public int HttpRequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>An HTTP connection (stream port) that sends no request for this long, before its first one or between two
    /// (HLS players fetch a segment every few seconds), is closed.</summary>
    public int HttpKeepAliveTimeoutSeconds { get; set; } = 30;

    /// <summary>A publisher or a connection that has not started playing and sends nothing for this
    /// long is closed (SRS `publish.normal_timeout` and friends).</summary>
    public int ReceiveTimeoutSeconds { get; set; } = 30;

    /// <summary>A send to a player that does not complete within this time closes the player.</summary>
    public int SendTimeoutSeconds { get; set; } = 30;

    /// <summary>A player lagging this far behind live is skipped ahead to the next keyframe.</summary>
    public int PlayerMaxLagMilliseconds { get; set; } = 10_000;

    public long PlayerMaxQueueBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Kernel send buffer of an RTMP player's socket; 0 leaves it to the OS. A small buffer
    /// makes a stalled player visible (and skipped) sooner, at some cost to throughput on long links.</summary>
    public int PlayerSendBufferBytes { get; set; }

    /// <summary>Above 0, audio frames wait for the next video frame (at most this long) and go out in
    /// the same send, like SRS's merged write (on by default there, 350 ms for all media) limited to
    /// audio: about a third as many sends per player, which cuts the server's CPU per player by about
    /// 40%, at the cost of up to this much audio delay; video is never held. 0 sends every frame at once.</summary>
    public int PlayerMergeAudioMilliseconds { get; set; } = 40;

    /// <summary>More skips than this within a minute and the player is dropped.</summary>
    public int PlayerMaxSkipsPerMinute { get; set; } = 6;

    /// <summary>How often the gateway's one traffic report (every stream, the connections whose counters
    /// moved) goes to its gateway grain.</summary>
    public int StatsIntervalMilliseconds { get; set; } = 1000;

    /// <summary>Bookkeeping calls to the cluster (session records, player joins and leaves) waiting or
    /// retrying at once; beyond this a call is dropped and counted (live_gateway_cluster_calls_dropped).</summary>
    public int ClusterBacklog { get; set; } = 10_000;

    public int HeartbeatIntervalSeconds { get; set; } = 5;

    /// <summary>Where relative HLS and DVR paths go (SRS `work_dir`); empty: the working directory.</summary>
    public string WorkDir { get; set; } = "";

    /// <summary>Snapshot decodes (one ffmpeg each) running at once on this gateway, over all streams; a
    /// stream whose keyframe finds none free tries again at its next keyframe.</summary>
    public int SnapshotDecodes { get; set; } = 2;

    /// <summary>The queue limits of every player and forward (one set, so they cannot drift apart).</summary>
    /// <summary>Whether this gateway runs the vhosts' ingests (one gateway of the cluster runs each).</summary>
    public IngestRunnerSettings Ingest { get; set; } = new();

    public PlayerQueueLimits PlayerLimits() =>
        new(PlayerMaxLagMilliseconds, PlayerMaxQueueBytes, PlayerMaxSkipsPerMinute, PlayerMergeAudioMilliseconds);
}

public sealed class IngestRunnerSettings
{
    /// <summary>Off: this gateway never claims an ingest (run them on other gateways).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>An ingest that pushes into this gateway but whose stream has received nothing for this
    /// long (a hung ffmpeg) is ended and started again.</summary>
    public int StallSeconds { get; set; } = 30;
}
