using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Srt.Native;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>
/// An SRT listener on libsrt with one event-loop thread: a single srt_epoll set holds the listener
/// and every connection, so thousands of callers cost no thread each. The streamid validator runs in
/// libsrt's listen callback, before the handshake completes, and can refuse a caller or give it its
/// own passphrase. Accepted connections come out of <see cref="Accepted"/>.
/// </summary>
public sealed partial class SrtServer : IDisposable
{
    // How long the loop waits for socket events before it looks at close requests and handshakes.
    private const int PollMs = 100;
    private const int MaxEventsPerWait = 256;
    // Bound the work one busy socket gets per wake-up so the others are served too.
    private const int MaxMessagesPerWake = 64;
    // Live payloads are at most 1456 bytes (SRT_LIVE_MAX_PLSIZE); libsrt wants room for a whole one.
    private const int ReceiveBufferBytes = 1500;
    private const int MaxStreamIdBytes = 512;

    private readonly SrtServerOptions _options;
    private readonly ILogger _logger;
    private readonly Func<SrtHandshake, SrtHandshakeDecision>? _validator;
    private readonly LibSrt.ListenCallback _listenCallback;
    private readonly ConcurrentDictionary<int, SrtConnection> _connections = new();
    private readonly ConcurrentQueue<(SrtConnection Connection, SrtClose Why)> _closeRequests = new();
    private readonly Channel<SrtConnection> _accepted = Channel.CreateUnbounded<SrtConnection>(new UnboundedChannelOptions { SingleWriter = true });
    private int _listener = LibSrt.InvalidSocket;
    private int _epoll = -1;
    private bool _libraryStarted;
    private Thread? _loop;
    private volatile bool _stopping;

    /// <param name="validator">Decides each caller from its streamid and address. It runs on libsrt's
    /// receiver thread while the handshake waits, so it must be quick and must not block.</param>
    public SrtServer(SrtServerOptions options, ILogger<SrtServer> logger, Func<SrtHandshake, SrtHandshakeDecision>? validator = null)
    {
        _options = options;
        _logger = logger;
        _validator = validator;
        // A field keeps the delegate alive for as long as libsrt may call it.
        _listenCallback = OnListen;
    }

    /// <summary>The bound address, with the real port when 0 was asked for.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Connections in the order they were accepted.</summary>
    public ChannelReader<SrtConnection> Accepted => _accepted.Reader;

    public ICollection<SrtConnection> Connections => _connections.Values;

    /// <summary>Binds, listens and starts the event loop; throws <see cref="SrtException"/> if libsrt refuses.</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("SRT server already started");
        }
        _options.Validate();
        try
        {
            Check(LibSrt.srt_startup(), "srt_startup");
            _libraryStarted = true;
            LibSrtLog.Install(_logger);
            _listener = LibSrt.srt_create_socket();
            Check(_listener, "srt_create_socket");
            ConfigureListener(_listener);
            var endPoint = new IPEndPoint(_options.BindAddress, _options.Port);
            var address = NativeSocketAddress.From(endPoint);
            Check(LibSrt.srt_bind(_listener, address, address.Length), $"bind {endPoint}");
            // Must be installed before srt_listen so no caller slips past the validator.
            Check(LibSrt.srt_listen_callback(_listener, _listenCallback, 0), "srt_listen_callback");
            // libsrt shares a bound UDP port between sockets, so a taken port shows up here, not in bind.
            Check(LibSrt.srt_listen(_listener, _options.Backlog), $"listen on {endPoint}");
            LocalEndPoint = ReadLocalEndPoint(_listener);
            _epoll = LibSrt.srt_epoll_create();
            Check(_epoll, "srt_epoll_create");
            LibSrt.srt_epoll_set(_epoll, SrtEpollSettings.EnableEmpty);
            var events = (int)(SrtEpollFlags.In | SrtEpollFlags.Error);
            Check(LibSrt.srt_epoll_add_usock(_epoll, _listener, ref events), "srt_epoll_add_usock listener");
        }
        catch
        {
            ReleaseNative();
            throw;
        }
        _loop = new Thread(Run) { IsBackground = true, Name = "srt-event-loop" };
        _loop.Start();
        _logger.LogInformation("SRT listening on {EndPoint} (latency {Latency} ms, encryption {Encryption})",
            LocalEndPoint, _options.LatencyMs, string.IsNullOrEmpty(_options.Passphrase) ? "off" : "on");
    }

    /// <summary>Stops the loop, closes every connection (reason ServerStopped) and the listener.</summary>
    public void Dispose()
    {
        if (_loop is null)
        {
            ReleaseNative();
            return;
        }
        _stopping = true;
        if (Thread.CurrentThread != _loop)
        {
            _loop.Join();
        }
    }

    internal static bool IsBrokenLink(SrtError code) =>
        code is SrtError.ConnectionLost or SrtError.NoConnection or SrtError.InvalidSocket;

    internal void RequestClose(SrtConnection connection, SrtClose why) => _closeRequests.Enqueue((connection, why));

    private void ConfigureListener(int socket)
    {
        // TRANSTYPE first: it resets the options that depend on the transmission type.
        SetInt(socket, SrtOption.TransportType, (int)SrtTransportType.Live);
        SetInt(socket, SrtOption.SendSync, 0);
        SetInt(socket, SrtOption.ReceiveSync, 0);
        SetInt(socket, SrtOption.Mss, _options.Mss);
        SetInt(socket, SrtOption.PayloadSize, _options.PayloadSize);
        // As SRS does: latency sets both directions, then the specific ones refine it.
        SetInt(socket, SrtOption.Latency, _options.LatencyMs);
        SetInt(socket, SrtOption.ReceiveLatency, _options.RecvLatencyMs);
        SetInt(socket, SrtOption.PeerLatency, _options.PeerLatencyMs);
        SetInt(socket, SrtOption.TooLatePacketDrop, _options.TooLatePacketDrop ? 1 : 0);
        SetInt(socket, SrtOption.PeerIdleTimeout, _options.PeerIdleTimeoutMs);
        if (_options.MaxBandwidth != -1)
        {
            var maxBandwidth = _options.MaxBandwidth;
            Check(LibSrt.srt_setsockflag(socket, SrtOption.MaxBandwidth, ref maxBandwidth, sizeof(long)), $"set {SrtOption.MaxBandwidth}={maxBandwidth}");
        }
        if (!string.IsNullOrEmpty(_options.Passphrase))
        {
            SetString(socket, SrtOption.Passphrase, _options.Passphrase);
        }
        if (_options.PbKeyLength != 0)
        {
            SetInt(socket, SrtOption.PbKeyLength, _options.PbKeyLength);
        }
        if (_options.BindAddress.Equals(IPAddress.IPv6Any))
        {
            // libsrt will not bind the IPv6 wildcard until this is set; 0 takes IPv4 callers too.
            SetInt(socket, SrtOption.Ipv6Only, 0);
        }
    }

    private void Run()
    {
        var events = new SrtEpollEvent[MaxEventsPerWait];
        try
        {
            while (!_stopping)
            {
                var ready = LibSrt.srt_epoll_uwait(_epoll, events, events.Length, PollMs);
                if (ready < 0)
                {
                    var (code, text) = LibSrt.LastError();
                    if (code != SrtError.Timeout)
                    {
                        _logger.LogWarning("SRT epoll wait failed: {Error}", text);
                    }
                }
                for (var i = 0; i < ready; i++)
                {
                    Dispatch(events[i]);
                }
                DrainCloseRequests();
                CheckPendingHandshakes();
                ReportSuppressedRefusals();
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "SRT event loop failed; closing every SRT connection");
        }
        DrainCloseRequests();
        foreach (var connection in _connections.Values)
        {
            connection.MarkClosing();
            CloseOnLoop(connection, new SrtClose(SrtCloseReason.ServerStopped, ""));
        }
        ReleaseNative();
        _accepted.Writer.TryComplete();
        _logger.LogInformation("SRT server on {EndPoint} stopped", LocalEndPoint);
    }

    private void Dispatch(SrtEpollEvent ready)
    {
        try
        {
            if (ready.Socket == _listener)
            {
                AcceptPending(ready.Events);
            }
            else if (_connections.TryGetValue(ready.Socket, out var connection))
            {
                Serve(connection, ready.Events);
            }
            else
            {
                // Closed while the event was in flight; make sure libsrt stops reporting it.
                LibSrt.srt_epoll_remove_usock(_epoll, ready.Socket);
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "SRT socket {Socket} event handling failed", ready.Socket);
        }
    }

    private void AcceptPending(SrtEpollFlags flags)
    {
        if ((flags & SrtEpollFlags.Error) != 0)
        {
            _logger.LogWarning("SRT listener reported an error: {State}", LibSrt.srt_getsockstate(_listener));
        }
        var address = new byte[NativeSocketAddress.MaxSize];
        while (true)
        {
            var length = address.Length;
            var socket = LibSrt.srt_accept(_listener, address, ref length);
            if (socket == LibSrt.InvalidSocket)
            {
                var (code, text) = LibSrt.LastError();
                if (code != SrtError.AsyncReceive)
                {
                    _logger.LogWarning("SRT accept failed: {Error}", text);
                }
                return;
            }
            ForgetHandshake(socket);
            var remote = NativeSocketAddress.Read(address.AsSpan(0, Math.Min(length, address.Length)));
            var streamId = GetString(socket, SrtOption.StreamId);
            var connection = new SrtConnection(this, socket, remote, streamId, _options.PayloadSize, _options.ReceiveQueueMessages);
            var events = (int)(SrtEpollFlags.In | SrtEpollFlags.Error);
            if (LibSrt.srt_epoll_add_usock(_epoll, socket, ref events) < 0)
            {
                _logger.LogWarning("SRT connection from {Remote} dropped: epoll add failed: {Error}", remote, LibSrt.LastError().Message);
                LibSrt.srt_close(socket);
                continue;
            }
            _connections[socket] = connection;
            _logger.LogInformation("SRT connection {Socket} from {Remote} streamid '{StreamId}'", socket, remote, streamId);
            _accepted.Writer.TryWrite(connection);
        }
    }

    private void Serve(SrtConnection connection, SrtEpollFlags flags)
    {
        var socket = connection.SocketId;
        for (var i = 0; i < MaxMessagesPerWake; i++)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferBytes);
            var received = LibSrt.srt_recvmsg(socket, ref buffer[0], buffer.Length);
            if (received > 0)
            {
                connection.Deliver(buffer, received);
                continue;
            }
            ArrayPool<byte>.Shared.Return(buffer);
            if (received == 0)
            {
                break;
            }
            var (code, text) = LibSrt.LastError();
            if (code == SrtError.AsyncReceive)
            {
                break;
            }
            connection.MarkClosing();
            CloseOnLoop(connection, new SrtClose(IsBrokenLink(code) ? SrtCloseReason.PeerClosedOrBroken : SrtCloseReason.Error, text));
            return;
        }
        if ((flags & SrtEpollFlags.Error) != 0)
        {
            var state = LibSrt.srt_getsockstate(socket);
            if (state >= SrtSocketStatus.Broken)
            {
                connection.MarkClosing();
                CloseOnLoop(connection, new SrtClose(SrtCloseReason.PeerClosedOrBroken, $"socket {state}"));
            }
        }
    }

    private void DrainCloseRequests()
    {
        while (_closeRequests.TryDequeue(out var request))
        {
            CloseOnLoop(request.Connection, request.Why);
        }
    }

    private void CloseOnLoop(SrtConnection connection, SrtClose why)
    {
        if (!_connections.TryRemove(connection.SocketId, out _))
        {
            return;
        }
        connection.SnapshotStats();
        LibSrt.srt_epoll_remove_usock(_epoll, connection.SocketId);
        LibSrt.srt_close(connection.SocketId);
        _logger.LogInformation("SRT connection {Socket} from {Remote} streamid '{StreamId}' closed ({Reason}); sent {Sent} bytes, received {Received} bytes",
            connection.SocketId, connection.RemoteEndPoint, connection.StreamId, why, connection.BytesSent, connection.BytesReceived);
        connection.Complete(why);
    }

    private void ReleaseNative()
    {
        if (_epoll >= 0)
        {
            LibSrt.srt_epoll_release(_epoll);
            _epoll = -1;
        }
        if (_listener != LibSrt.InvalidSocket)
        {
            LibSrt.srt_close(_listener);
            _listener = LibSrt.InvalidSocket;
        }
        if (_libraryStarted)
        {
            LibSrt.srt_cleanup();
            _libraryStarted = false;
        }
    }

    private static IPEndPoint? ReadLocalEndPoint(int socket)
    {
        var address = new byte[NativeSocketAddress.MaxSize];
        var length = address.Length;
        return LibSrt.srt_getsockname(socket, address, ref length) < 0 ? null : NativeSocketAddress.Read(address.AsSpan(0, Math.Min(length, address.Length)));
    }

    private static string GetString(int socket, SrtOption option)
    {
        var value = new byte[MaxStreamIdBytes + 1];
        var length = value.Length;
        return LibSrt.srt_getsockflag(socket, option, value, ref length) < 0 ? "" : Encoding.UTF8.GetString(value, 0, Math.Clamp(length, 0, value.Length));
    }

    private static void SetInt(int socket, SrtOption option, int value) =>
        Check(LibSrt.srt_setsockflag(socket, option, ref value, sizeof(int)), $"set {option}={value}");

    private static void SetString(int socket, SrtOption option, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Check(LibSrt.srt_setsockflag(socket, option, bytes, bytes.Length), $"set {option}");
    }

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new SrtException($"SRT {what} failed: {LibSrt.LastError().Message}");
        }
    }
}
