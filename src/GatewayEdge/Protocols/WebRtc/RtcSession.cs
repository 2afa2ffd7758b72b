using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// One WebRTC peer (a WHIP publisher or a WHEP player): admitted at signalling like any other client
/// (connect, then publish or play, with hooks and rules), then ICE (its STUN bindings pick the path),
/// DTLS (we are the passive side; the peer's certificate must match its offer's fingerprint), and
/// SRTP both ways. Ends on DELETE, a kick, DTLS close, an idle peer, or the end of its stream.
/// </summary>
public sealed class RtcSession : IClientConnection
{
    private readonly RtcServer _server;
    private readonly GatewayContext _gateway;
    private readonly ILogger<RtcSession> _logger;
    private readonly IDisposable _admission;
    private readonly Lock _sendGate = new();
    private readonly long _created = Stopwatch.GetTimestamp();
    private readonly List<SocketAddress> _addresses = [];
    private QueuedDatagramTransport? _dtls;
    private DtlsAssociation? _association;
    private SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private byte[] _rtcpBuffer = new byte[1500];
    private ClientSession? _client;
    private PublishSession? _publish;
    private PlaySession? _play;
    private RtcPublisher? _publisher;
    private RtcPlayer? _player;
    private long _lastReceived = Stopwatch.GetTimestamp();
    private long _sent;
    private long _received;
    private long _packetsSent;
    private long _packetsReceived;
    private int _closed;

    internal RtcSession(RtcServer server, GatewayContext gateway, RtcNegotiation negotiation, StreamAddress address, bool publish, IDisposable admission)
    {
        _server = server;
        _gateway = gateway;
        _logger = gateway.Loggers.CreateLogger<RtcSession>();
        _admission = admission;
        Negotiation = negotiation;
        Address = address;
        IsPublisher = publish;
        SessionId = $"{negotiation.LocalUfrag}:{negotiation.RemoteUfrag}";
        DeleteToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        LocalPasswordBytes = System.Text.Encoding.UTF8.GetBytes(negotiation.LocalPassword);
    }

    public string ClientId { get; } = Ids.NewClientId();

    /// <summary>SRS's session id: our ufrag and the peer's.</summary>
    public string SessionId { get; }

    /// <summary>A secret in the Location URL, so only the peer that made the session can DELETE it.</summary>
    public string DeleteToken { get; }

    public string LocalUfrag => Negotiation.LocalUfrag;

    public byte[] LocalPasswordBytes { get; }

    public string AnswerSdp => Negotiation.AnswerSdp;

    public StreamAddress Address { get; }

    public bool IsPublisher { get; }

    internal RtcNegotiation Negotiation { get; }

    public IRtcPeerPath? Path { get; private set; }

    /// <summary>DTLS completed: media flows.</summary>
    public bool Connected { get; private set; }

    public long LastReceived => Volatile.Read(ref _lastReceived);

    public long SentBytes => Interlocked.Read(ref _sent);

    public long RecvBytes => Interlocked.Read(ref _received);

    internal IEnumerable<SocketAddress> Addresses
    {
        get
        {
            lock (_addresses)
            {
                return [.. _addresses];
            }
        }
    }

    public void Kick() => Close("kicked");

    public RtpClientStats? RtpStats => _player is { } player
        ? new(Interlocked.Read(ref _packetsReceived), Interlocked.Read(ref _packetsSent), player.PacketsLost, player.Nacks, player.Retransmits, player.KeyframeRequests)
        : _publisher is { } publisher
            ? new(Interlocked.Read(ref _packetsReceived), Interlocked.Read(ref _packetsSent), publisher.PacketsLost, publisher.Nacks, 0, publisher.KeyframeRequests, publisher.AvOffsetMs)
            : null;

    /// <summary>Connect and publish or play, as every protocol does; the refusal, or null when admitted.</summary>
    internal async Task<string?> AdmitAsync(RtcOffer offer)
    {
        var sessions = _gateway.Sessions;
        var client = sessions.Begin(this, "rtc", "WebRTC", offer.Ip, recordNow: false);
        _client = client;
        client.TcUrl = offer.TcUrl;
        (client.Vhost, client.App) = (Address.Vhost, Address.App);
        using var scope = _logger.BeginScope(LogScopes.Client, ClientId);
        _logger.LogInformation("WebRTC {Role} {Url} from {Ip} (session {Session}; {Tracks})", IsPublisher ? "publish" : "play", Address.Url, offer.Ip, SessionId, Negotiation.Describe());
        string? refusal;
        try
        {
            refusal = await sessions.ConnectAsync(client, Address);
            if (refusal is null && IsPublisher)
            {
                var result = await sessions.PublishAsync(client, Address, "rtc-publish", CancellationToken.None);
                _publish = result.Value;
                refusal = result.Value is null ? $"publish refused: {result.Refusal}" : null;
            }
            else if (refusal is null)
            {
                var queue = sessions.NewPlayerQueue(client, readsTsForm: false, _ => Close("player too slow"), AudioFamily.Rtc);
                var result = await sessions.PlayAsync(client, Address, "rtc-play", queue);
                _play = result.Value;
                refusal = result.Value is null ? $"play refused: {result.Refusal}" : null;
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "WebRTC admission failed");
            refusal = "internal error";
        }
        if (refusal is not null)
        {
            Close(refusal);
            return refusal;
        }
        if (_publish is { } publish)
        {
            _publisher = new RtcPublisher(this, publish, Negotiation, _server.Settings, _logger);
            // Players here, and on gateways pulling the stream, ask for keyframes through the hub.
            publish.Hub.SetKeyframeSource(ClientId, _publisher.RequestKeyframe);
        }
        return null;
    }

    /// <summary>The path for a binding from <paramref name="from"/> on the UDP socket (the current one if unchanged).</summary>
    internal IRtcPeerPath UdpPathFor(Socket socket, SocketAddress from) =>
        Path is RtcUdpPath current && current.Address.Equals(from) ? current : new RtcUdpPath(socket, Copy(from));

    /// <summary>A valid STUN binding came over <paramref name="path"/>: media now goes there.</summary>
    internal void OnBinding(IRtcPeerPath path, RtcSessionTable table)
    {
        Touch(0);
        var previous = Path;
        if (ReferenceEquals(previous, path))
        {
            return;
        }
        Path = path;
        if (path is RtcUdpPath udp)
        {
            lock (_addresses)
            {
                _addresses.Add(udp.Address);
            }
            table.Bind(this, udp.Address, (previous as RtcUdpPath)?.Address);
        }
        using var scope = _logger.BeginScope(LogScopes.Client, ClientId);
        if (previous is null)
        {
            _logger.LogInformation("WebRTC session {Session}: ICE connected over {Protocol} from {Peer} in {Ms} ms", SessionId, path.Protocol, path.RemoteEndPoint, ElapsedMs());
        }
        else
        {
            _logger.LogInformation("WebRTC session {Session}: peer moved from {Old} to {New}", SessionId, previous.RemoteEndPoint, path.RemoteEndPoint);
        }
    }

    /// <summary>A DTLS, SRTP or SRTCP datagram from the peer's current path.</summary>
    internal void OnDatagram(Span<byte> datagram)
    {
        Touch(datagram.Length);
        switch (RtcPacketKinds.Of(datagram))
        {
            case RtcPacketKind.Dtls:
                OnDtls(datagram);
                break;
            case RtcPacketKind.Rtp when _inbound is { } inbound:
                Interlocked.Increment(ref _packetsReceived);
                if (SrtpContext.IsRtcp(datagram))
                {
                    if (inbound.UnprotectRtcp(datagram, out var rtcpLength))
                    {
                        OnRtcp(datagram[..rtcpLength]);
                    }
                    else
                    {
                        _server.SrtpAuthFailed(SessionId);
                    }
                }
                else if (inbound.UnprotectRtp(datagram, out var rtpLength))
                {
                    _publisher?.OnRtp(datagram[..rtpLength]);
                }
                else
                {
                    _server.SrtpAuthFailed(SessionId);
                }
                break;
        }
    }

    /// <summary>Sends an RTP packet: protected in <paramref name="buffer"/> (which has room for the tag) and sent.</summary>
    internal bool SendRtp(Span<byte> buffer, int length)
    {
        if (_outbound is not { } outbound || Path is not { } path)
        {
            return false;
        }
        lock (_sendGate)
        {
            var protectedLength = outbound.ProtectRtp(buffer, length);
            Interlocked.Add(ref _sent, protectedLength);
            Interlocked.Increment(ref _packetsSent);
            return path.Send(buffer[..protectedLength]);
        }
    }

    /// <summary>Protects an RTP packet in place (the buffer has room for the tag); its new length, 0 before DTLS completed.</summary>
    internal int Protect(Span<byte> buffer, int length)
    {
        if (_outbound is not { } outbound)
        {
            return 0;
        }
        lock (_sendGate)
        {
            return outbound.ProtectRtp(buffer, length);
        }
    }

    /// <summary>Sends a batch of protected packets to the peer's current path.</summary>
    internal void Flush(UdpMultiSend batch)
    {
        var count = batch.Count;
        if (Path is not { } path || count == 0)
        {
            batch.Flush(NoPath.Instance);
            return;
        }
        var bytes = batch.BytesPending;
        batch.Flush(path);
        Interlocked.Add(ref _sent, bytes);
        Interlocked.Add(ref _packetsSent, count);
    }

    /// <summary>Sends one RTCP packet (compound or not), protected as SRTCP.</summary>
    internal void SendRtcp(ReadOnlySpan<byte> packet)
    {
        if (_outbound is not { } outbound || Path is not { } path)
        {
            return;
        }
        lock (_sendGate)
        {
            if (_rtcpBuffer.Length < packet.Length + outbound.RtcpOverhead)
            {
                _rtcpBuffer = new byte[packet.Length + outbound.RtcpOverhead];
            }
            packet.CopyTo(_rtcpBuffer);
            var length = outbound.ProtectRtcp(_rtcpBuffer, packet.Length);
            Interlocked.Add(ref _sent, length);
            path.Send(_rtcpBuffer.AsSpan(0, length));
        }
    }

    internal int RtpOverhead => _outbound?.RtpOverhead ?? 16;

    public void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        _server.Sessions.Remove(this);
        using var scope = _logger.BeginScope(LogScopes.Client, ClientId);
        _association?.Close();
        _dtls?.Close();
        _player?.Stop();
        _play?.Dispose();
        var publish = _publish;
        var client = _client;
        _ = Task.Run(async () =>
        {
            try
            {
                if (publish is not null)
                {
                    await publish.DisposeAsync();
                }
            }
            finally
            {
                if (client is not null)
                {
                    _gateway.Sessions.End(client);
                }
                _admission.Dispose();
                _inbound?.Dispose();
                // The player's loop may still be protecting its last packet; it stops at its next wait.
            }
        });
        _logger.LogInformation("WebRTC session {Session} closed ({Reason}) after {Ms} ms; sent {Sent} bytes, received {Recv} bytes{Publisher}",
            SessionId, reason, ElapsedMs(), SentBytes, RecvBytes, _publisher?.Summary() ?? _player?.Summary() ?? "");
    }

    /// <summary>A player lost a picture: the stream's publisher is asked for a keyframe if it can be
    /// (a WebRTC publisher here, or through the edge pull, one on the gateway this one pulls from).</summary>
    internal void RequestPublisherKeyframe() => _play?.Hub.RequestKeyframe();

    private void OnDtls(ReadOnlySpan<byte> datagram)
    {
        if (_dtls is null)
        {
            StartHandshake();
        }
        _dtls!.Enqueue(datagram);
    }

    private void StartHandshake()
    {
        var transport = new QueuedDatagramTransport(d => Path?.Send(d), _server.Settings.Mtu);
        _dtls = transport;
        // AES-GCM first: one pass per packet with AES-NI, about a third cheaper than AES-CM with HMAC-SHA1.
        var server = new DtlsSrtpServer(_server.Certificate, Negotiation.RemoteFingerprint, [SrtpProfile.AeadAes128Gcm, SrtpProfile.Aes128CmHmacSha1_80]);
        _ = RunHandshakeAsync(transport, server);
    }

    private async Task RunHandshakeAsync(QueuedDatagramTransport transport, DtlsSrtpServer server)
    {
        var result = await _server.Handshakes!.AcceptAsync(transport, server);
        using var scope = _logger.BeginScope(LogScopes.Client, ClientId);
        if (!result.Succeeded)
        {
            Close($"DTLS failed: {result}");
            return;
        }
        var keys = result.SrtpKeys;
        _inbound = keys.CreateInbound();
        _outbound = keys.CreateOutbound();
        _association = result.Association;
        Connected = true;
        _logger.LogInformation("WebRTC session {Session}: DTLS done ({Profile}) {Ms} ms after the offer", SessionId, result.Profile, ElapsedMs());
        if (_association is { } association)
        {
            _ = association.Closed.ContinueWith(_ => Close("DTLS closed by peer"), TaskScheduler.Default);
        }
        if (_play is { } play)
        {
            _player = new RtcPlayer(this, play, Negotiation, _logger);
            _ = _player.RunAsync().ContinueWith(t => Close(t.Result), TaskScheduler.Default);
        }
        else if (_publisher is { } publisher)
        {
            publisher.RequestKeyframe();
        }
        if (Volatile.Read(ref _closed) != 0)
        {
            _player?.Stop();
        }
    }

    private void OnRtcp(ReadOnlySpan<byte> packet)
    {
        if (_player is { } player)
        {
            player.OnRtcp(packet);
        }
        else
        {
            _publisher?.OnRtcp(packet);
        }
    }

    private void Touch(int bytes)
    {
        Volatile.Write(ref _lastReceived, Stopwatch.GetTimestamp());
        Interlocked.Add(ref _received, bytes);
    }

    private long ElapsedMs() => (long)Stopwatch.GetElapsedTime(_created).TotalMilliseconds;

    /// <summary>Where a batch goes before ICE picked a path: nowhere.</summary>
    private sealed class NoPath : IRtcPeerPath
    {
        public static readonly NoPath Instance = new();

        public IPEndPoint RemoteEndPoint { get; } = new(IPAddress.None, 0);

        public string Protocol => "none";

        public bool Send(ReadOnlySpan<byte> datagram) => false;
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }
}
