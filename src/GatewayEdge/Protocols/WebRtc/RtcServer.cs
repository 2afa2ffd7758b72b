using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// The gateway's WebRTC port (SRS `rtc_server`): ICE-lite on one UDP socket for every session, the
/// datagrams told apart by their first byte (STUN, DTLS, SRTP/SRTCP), a session found by the ufrag of
/// its STUN bindings and afterwards by the peer's address, which a later binding may move (a client
/// changing networks). ICE-TCP carries the same datagrams over TCP. One receive thread, as SRS.
/// </summary>
public sealed class RtcServer : IHostedService, IDisposable
{
    private readonly GatewayContext _gateway;
    private readonly GatewayEndpoints _endpoints;
    private readonly ILogger<RtcServer> _logger;
    private readonly LogBudget _strayLog = new(10, TimeSpan.FromSeconds(10));
    private readonly CancellationTokenSource _stopping = new();
    private Socket? _udp;
    private Socket? _tcp;
    private Thread? _receiver;
    private Timer? _sweeper;
    private long _stray;
    private long _authFailures;

    public RtcServer(GatewayContext gateway, GatewayEndpoints endpoints, ILoggerFactory loggers)
    {
        _gateway = gateway;
        _endpoints = endpoints;
        _logger = loggers.CreateLogger<RtcServer>();
        Settings = gateway.Options.Rtc;
        Sessions = new RtcSessionTable(Settings.MaxSessions);
    }

    public RtcSettings Settings { get; }

    public RtcSessionTable Sessions { get; }

    /// <summary>SRTP or SRTCP packets that failed authentication (forged, corrupted or replayed).</summary>
    public long SrtpAuthFailures => Interlocked.Read(ref _authFailures);

    /// <summary>Our DTLS certificate, one per process; its fingerprint goes in every answer.</summary>
    public DtlsCertificate Certificate { get; } = DtlsCertificate.Generate();

    /// <summary>Bounds the DTLS handshakes running at once.</summary>
    internal DtlsHandshaker? Handshakes { get; private set; }

    public bool Enabled => _udp is not null;

    /// <summary>Datagrams that reached no session or did not parse.</summary>
    public long StrayDatagrams => Interlocked.Read(ref _stray);

    /// <summary>The candidates of every answer: each configured address on the UDP port, and on the TCP port when ICE-TCP is on.</summary>
    public IReadOnlyList<RtcCandidate> Candidates { get; private set; } = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = _gateway.Options;
        if (options.RtcPort < 0)
        {
            return Task.CompletedTask;
        }
        var listen = IPAddress.Parse(options.ListenAddress);
        var udp = new Socket(listen.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Many sessions share the socket: room for bursts of every publisher between two reads.
        udp.ReceiveBufferSize = 4 * 1024 * 1024;
        udp.SendBufferSize = 4 * 1024 * 1024;
        udp.Bind(new IPEndPoint(listen, options.RtcPort));
        _udp = udp;
        var udpPort = ((IPEndPoint)udp.LocalEndPoint!).Port;
        var tcpPort = -1;
        if (options.RtcTcpPort >= 0)
        {
            var tcp = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(listen, options.RtcTcpPort));
            tcp.Listen(512);
            _tcp = tcp;
            tcpPort = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            _ = Task.Run(AcceptTcpAsync, CancellationToken.None);
        }
        Handshakes = new DtlsHandshaker(new DtlsHandshakerOptions { MaxConcurrent = Settings.MaxHandshakes });
        var addresses = Settings.ResolveCandidates(options);
        var protocol = Settings.Protocol.ToLowerInvariant();
        if (protocol is not ("udp" or "tcp" or "all"))
        {
            throw new InvalidOperationException($"Gateway:Rtc:Protocol is '{Settings.Protocol}': udp, tcp or all");
        }
        if (protocol == "tcp" && tcpPort < 0)
        {
            throw new InvalidOperationException("Gateway:Rtc:Protocol is tcp but ICE-TCP is off (Gateway:RtcTcpPort)");
        }
        Candidates =
        [
            .. protocol == "tcp" ? [] : addresses.Select(a => new RtcCandidate(a, udpPort, "udp")),
            .. tcpPort < 0 || protocol == "udp" ? [] : addresses.Select(a => new RtcCandidate(a, tcpPort, "tcp")),
        ];
        _endpoints.SetRtc(udpPort, Math.Max(tcpPort, 0));
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "rtc-udp" };
        _receiver.Start();
        _sweeper = new Timer(_ =>
        {
            Sessions.Sweep(TimeSpan.FromSeconds(Settings.IdleTimeoutSeconds));
            ReportSuppressed();
        }, null, 1000, 1000);
        _logger.LogInformation("WebRTC listening on udp {Address}:{Port}{Tcp}; candidates {Candidates}",
            listen, udpPort, tcpPort < 0 ? "" : $" and tcp {tcpPort}", string.Join(", ", Candidates.Select(c => $"{c.Protocol} {c.Address}:{c.Port}")));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        _sweeper?.Dispose();
        foreach (var session in Sessions.All)
        {
            session.Close("server stopping");
        }
        _udp?.Dispose();
        _tcp?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _sweeper?.Dispose();
        _udp?.Dispose();
        _tcp?.Dispose();
        _stopping.Dispose();
    }

    private void ReceiveLoop()
    {
        var udp = _udp!;
        var buffer = GC.AllocateArray<byte>(64 * 1024, pinned: true);
        var from = new SocketAddress(udp.AddressFamily);
        while (!_stopping.IsCancellationRequested)
        {
            int length;
            try
            {
                length = udp.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                // An ICMP error from an earlier send, or a datagram larger than any we accept.
                continue;
            }
            catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
            {
                return;
            }
            try
            {
                OnUdp(buffer.AsSpan(0, length), from);
            }
            catch (Exception ex)
            {
                // One bad datagram must not stop the port for every other session.
                _logger.LogError(ex, "WebRTC datagram from {Peer} failed", EndPointOf(from));
            }
        }
    }

    private void OnUdp(Span<byte> datagram, SocketAddress from)
    {
        switch (RtcPacketKinds.Of(datagram))
        {
            case RtcPacketKind.Stun:
                OnStun(datagram, from, null, out _);
                break;
            case RtcPacketKind.Dtls:
            case RtcPacketKind.Rtp:
                if (Sessions.ByAddress(from) is { } session)
                {
                    session.OnDatagram(datagram);
                }
                else
                {
                    Stray("a datagram from an address with no ICE binding", from);
                }
                break;
            default:
                // An empty datagram is legal UDP and has no first byte.
                Stray(datagram.IsEmpty ? "an empty datagram" : $"a datagram of unknown kind (first byte {datagram[0]})", from);
                break;
        }
    }

    /// <summary>
    /// A STUN binding request names our ufrag; checked against that session's password, it is answered
    /// with the peer's address and (re)binds the session to the path it came on.
    /// </summary>
    private void OnStun(ReadOnlySpan<byte> datagram, SocketAddress? udpFrom, RtcTcpPath? tcp, out RtcSession? bound)
    {
        bound = null;
        object peer = (object?)udpFrom ?? tcp!.RemoteEndPoint;
        if (!StunMessage.TryParse(datagram, out var request))
        {
            Stray("malformed STUN", peer);
            return;
        }
        if (!request.IsBindingRequest)
        {
            return;
        }
        var ufrag = request.TryGetIceUsername(out var receiver, out _) ? receiver : "";
        if (Sessions.ByUfrag(ufrag) is not { } session)
        {
            Stray($"STUN for unknown ufrag '{ufrag}'", peer);
            return;
        }
        IRtcPeerPath path = udpFrom is not null ? session.UdpPathFor(_udp!, udpFrom) : tcp!;
        if (!request.VerifyMessageIntegrity(session.LocalPasswordBytes))
        {
            Stray($"STUN with a bad MESSAGE-INTEGRITY for session {session.SessionId}", peer);
            path.Send(StunBinding.ErrorResponse(request.TransactionId.Span, 401, "Unauthorized"));
            return;
        }
        path.Send(StunBinding.SuccessResponse(request.TransactionId.Span, path.RemoteEndPoint, session.LocalPasswordBytes));
        session.OnBinding(path, Sessions);
        bound = session;
    }

    private async Task AcceptTcpAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _tcp!.AcceptAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            socket.NoDelay = true;
            _ = Task.Run(() => ServeTcpAsync(new RtcTcpPath(socket)), CancellationToken.None);
        }
    }

    /// <summary>One ICE-TCP connection: its first datagram must be a STUN binding for a known session;
    /// everything after goes to that session.</summary>
    private async Task ServeTcpAsync(RtcTcpPath path)
    {
        var buffer = new byte[64 * 1024];
        RtcSession? session = null;
        var peer = path.RemoteEndPoint.ToString();
        try
        {
            using var noBinding = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            noBinding.CancelAfter(TimeSpan.FromSeconds(Settings.IdleTimeoutSeconds));
            while (true)
            {
                var token = session is null ? noBinding.Token : _stopping.Token;
                var length = await path.ReceiveAsync(buffer, token);
                if (length == 0)
                {
                    break;
                }
                var datagram = buffer.AsSpan(0, length);
                var kind = RtcPacketKinds.Of(datagram);
                if (kind == RtcPacketKind.Stun)
                {
                    OnStun(datagram, null, path, out var bound);
                    session ??= bound;
                }
                else if (session is not null && kind is RtcPacketKind.Dtls or RtcPacketKind.Rtp)
                {
                    session.OnDatagram(datagram);
                }
                else
                {
                    Stray($"an ICE-TCP frame of kind {kind} before any binding", peer);
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            if (session is null && !_stopping.IsCancellationRequested)
            {
                Stray("an ICE-TCP connection that sent no binding", peer);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or SocketException or IOException)
        {
            Stray($"a broken ICE-TCP connection ({ex.Message})", peer);
        }
        finally
        {
            path.Dispose();
            if (session is not null && session.Path == path)
            {
                session.Close("ICE-TCP connection closed");
            }
        }
    }

    internal void SrtpAuthFailed(string session)
    {
        Interlocked.Increment(ref _authFailures);
        if (_strayLog.TryTake())
        {
            _logger.LogWarning("WebRTC session {Session}: an SRTP packet failed authentication or replay checks; dropped", session);
        }
    }

    /// <summary>"127.0.0.1:5000", not SocketAddress's own "InterNetwork:16:{…}".</summary>
    private static string EndPointOf(SocketAddress address) => new IPEndPoint(IPAddress.Any, 0).Create(address).ToString() ?? "";

    /// <param name="peer">A SocketAddress, an end point or text; made readable only for a line that is written.</param>
    private void Stray(string what, object peer)
    {
        Interlocked.Increment(ref _stray);
        if (_strayLog.TryTake())
        {
            _logger.LogWarning("WebRTC: dropped {What} from {Peer}", what, peer is SocketAddress address ? EndPointOf(address) : peer.ToString());
        }
    }

    /// <summary>The summary of the lines past the budget, once their window is over (from the sweeper:
    /// a line past the budget falls inside its window, so it cannot be the one to report).</summary>
    private void ReportSuppressed()
    {
        if (_strayLog.TakeSuppressed() is > 0 and var suppressed)
        {
            _logger.LogWarning("WebRTC: {Count} more stray datagrams and SRTP failures dropped (not logged one by one: at most {Lines} every {Seconds} s)",
                suppressed, _strayLog.LinesPerWindow, _strayLog.Window.TotalSeconds);
        }
    }
}

/// <summary>One ICE candidate of ours: a host address and port, UDP or passive TCP.</summary>
public sealed record RtcCandidate(string Address, int Port, string Protocol);
