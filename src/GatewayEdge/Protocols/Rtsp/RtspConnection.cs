using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;
using OrleansLive.Media.Rtsp;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>
/// One RTSP client connection: reads requests and interleaved frames within the reader's bounds,
/// answers each request in turn, and holds the one session the connection may have, to play
/// (DESCRIBE, SETUP, PLAY, PAUSE) or to publish (ANNOUNCE, SETUP, RECORD). Admission, hooks, rules
/// and the API's client records go through <see cref="StreamSessions"/> as for every protocol. A
/// request that does not parse, an interleaved frame on a channel no SETUP gave, or a client idle too
/// long before it plays: a log line and this connection closes, nothing else.
/// </summary>
internal sealed partial class RtspConnection : IClientConnection
{
    private const int SessionTimeoutSeconds = 60;

    /// <summary>Wrong credentials a connection may try before it is closed.</summary>
    private const int MaxAuthFailures = 3;
    private const string Methods = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER, ANNOUNCE, RECORD";

    private readonly Socket _socket;
    private readonly GatewayContext _gateway;
    private readonly ILogger<RtspConnection> _logger;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly string _sessionId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
    private readonly IPAddress _remoteIp;
    private readonly RtspSetup?[] _setups = new RtspSetup?[2];
    private readonly RtspAuthenticator _auth;
    private ClientSession? _client;
    private string? _user;
    private int _authFailures;
    private CancellationTokenSource? _sendTimeout;
    private long _sent;
    private long _recv;
    private long _lastActivity = Environment.TickCount64;
    private int _kicked;
    private string _outcome = "closed by peer";

    public RtspConnection(Socket socket, GatewayContext gateway)
    {
        _socket = socket;
        _gateway = gateway;
        _logger = gateway.Loggers.CreateLogger<RtspConnection>();
        _auth = new RtspAuthenticator(gateway.Options.Rtsp);
        var remote = socket.RemoteEndPoint as IPEndPoint;
        _remoteIp = remote?.Address.IsIPv4MappedToIPv6 == true ? remote.Address.MapToIPv4() : remote?.Address ?? IPAddress.None;
    }

    public string ClientId { get; } = Ids.NewClientId();

    public long SentBytes => Interlocked.Read(ref _sent);

    public long RecvBytes => Interlocked.Read(ref _recv);

    /// <summary>Bytes a player sent over UDP, beside the connection's own.</summary>
    public void CountSent(long bytes) => Interlocked.Add(ref _sent, bytes);

    public void Kick()
    {
        if (Interlocked.Exchange(ref _kicked, 1) == 0)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone.
            }
            _socket.Dispose();
        }
    }

    public async Task RunAsync()
    {
        using var scope = _logger.BeginScope(LogScopes.Client, ClientId);
        var sessions = _gateway.Sessions;
        _client = sessions.Begin(this, "rtsp", "RTSP", _remoteIp.ToString(), recordNow: false);
        using var watchdog = new Timer(static c => ((RtspConnection)c!).CheckIdle(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            // The connection ended under us (peer, kick or shutdown); the outcome says why if we knew.
        }
        catch (Exception ex)
        {
            _outcome = "internal error";
            _logger.LogError(ex, "RTSP connection failed");
        }
        finally
        {
            await watchdog.DisposeAsync();
            Kick();
            await EndMediaAsync();
            _sendTimeout?.Dispose();
            sessions.End(_client);
            _logger.LogInformation("RTSP client {Ip} closed ({Outcome}); sent {Sent} bytes, received {Recv} bytes", _remoteIp, _outcome, SentBytes, RecvBytes);
        }
    }

    /// <summary>A client that neither plays nor sends anything (a request, an interleaved or UDP packet) for the receive timeout is closed.</summary>
    private void CheckIdle()
    {
        if (_player is not null && !_playEnded)
        {
            return;
        }
        var idle = Environment.TickCount64 - Interlocked.Read(ref _lastActivity);
        if (idle > _gateway.Options.ReceiveTimeoutSeconds * 1000L)
        {
            _outcome = $"idle for {idle / 1000} s";
            if (_gateway.Drops.Drop("rtsp", ConnectionDrops.IdleTimeout))
            {
                _logger.LogInformation("RTSP client {Ip} sent nothing for {Seconds} s; closing", _remoteIp, idle / 1000);
            }
            Kick();
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[RtspRequestReader.MaxMessageBytes];
        var filled = 0;
        while (true)
        {
            var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None);
            if (read == 0)
            {
                return;
            }
            Interlocked.Add(ref _recv, read);
            Touch();
            filled += read;
            var offset = 0;
            while (offset < filled)
            {
                var status = RtspRequestReader.TryRead(buffer.AsSpan(offset, filled - offset), out var request, out var consumed, out var frame, out var error);
                if (status == RtspReadStatus.NeedMore)
                {
                    break;
                }
                if (status == RtspReadStatus.Invalid)
                {
                    ProtocolError(error);
                    if (buffer[offset] is >= (byte)'A' and <= (byte)'Z')
                    {
                        // Something like a request: the client learns why (without the CSeq it may lack).
                        await SendAsync("RTSP/1.0 400 Bad Request\r\n\r\n"u8.ToArray());
                    }
                    return;
                }
                if (status == RtspReadStatus.Interleaved)
                {
                    if (!OnInterleaved(frame.Channel, buffer.AsSpan(offset + frame.Offset, frame.Length)))
                    {
                        return;
                    }
                }
                else if (!await HandleAsync(request!))
                {
                    return;
                }
                offset += consumed;
            }
            if (offset > 0)
            {
                Buffer.BlockCopy(buffer, offset, buffer, 0, filled - offset);
                filled -= offset;
            }
            if (filled == buffer.Length)
            {
                ProtocolError("a message larger than the read buffer");
                return;
            }
        }
    }

    private void ProtocolError(string error)
    {
        _outcome = $"bad input: {error}";
        if (_gateway.Drops.Drop("rtsp", ConnectionDrops.ProtocolError, error))
        {
            _logger.LogWarning("RTSP client {Ip}: {Error}; closing the connection", _remoteIp, error);
        }
    }

    /// <summary>An interleaved frame: a publisher's RTP or RTCP, a player's receiver report; any channel no SETUP gave ends the connection.</summary>
    private bool OnInterleaved(byte channel, ReadOnlySpan<byte> data)
    {
        foreach (var setup in _setups)
        {
            if (setup is null || setup.Udp is not null)
            {
                continue;
            }
            if (channel == setup.Transport.RtpChannel)
            {
                if (_recording)
                {
                    _publisher?.OnRtp(setup.Index, data);
                }
                return true;
            }
            if (channel == setup.Transport.RtcpChannel)
            {
                _publisher?.OnRtcp(data);
                return true;
            }
        }
        ProtocolError($"an interleaved frame on channel {channel}, which no SETUP gave");
        return false;
    }

    /// <summary>Answers one request; false when the connection should close.</summary>
    private async Task<bool> HandleAsync(RtspRequest request)
    {
        if (request.SessionId is { } session && session != _sessionId && request.Method is not ("OPTIONS" or "DESCRIBE" or "ANNOUNCE"))
        {
            return await ReplyAsync(request, 454);
        }
        var method = request.Method.ToUpperInvariant();
        if (method is "DESCRIBE" or "ANNOUNCE" && _auth.Required && _user is null)
        {
            return await AuthenticateAsync(request);
        }
        switch (method)
        {
            case "OPTIONS":
                return await ReplyAsync(request, 200, [new("Public", Methods)]);
            case "DESCRIBE":
                return await DescribeAsync(request);
            case "SETUP":
                return await SetupAsync(request);
            case "PLAY":
                return await PlayAsync(request);
            case "PAUSE":
                _player?.Pause();
                return await ReplyAsync(request, _player is null ? 455 : 200);
            case "RECORD":
                return await RecordAsync(request);
            case "ANNOUNCE":
                return await AnnounceAsync(request);
            case "GET_PARAMETER" or "SET_PARAMETER":
                return await ReplyAsync(request, 200);
            case "TEARDOWN":
                _outcome = "teardown";
                await ReplyAsync(request, 200);
                return false;
            default:
                return await ReplyAsync(request, 501, [new("Public", Methods)]);
        }
    }

    /// <summary>Answers a request that needs credentials: on to the request when they are right,
    /// 401 with the challenge when missing or wrong, the connection closed after too many wrong ones.</summary>
    private async Task<bool> AuthenticateAsync(RtspRequest request)
    {
        var authorization = request.Header("Authorization");
        _user = _auth.Authenticate(request.Method, request.Url, authorization);
        if (_user is not null)
        {
            _logger.LogInformation("RTSP client {Ip} authenticated as {User}", _remoteIp, _user);
            return await HandleAsync(request);
        }
        if (authorization is not null && ++_authFailures >= MaxAuthFailures)
        {
            _outcome = "authentication failed";
            _logger.LogWarning("RTSP client {Ip}: {Failures} wrong credentials; closing the connection", _remoteIp, _authFailures);
            _gateway.Drops.Drop("rtsp", ConnectionDrops.Refused, "authentication");
            await ReplyAsync(request, 401);
            return false;
        }
        return await ReplyAsync(request, 401, [.. _auth.Challenges().Select(c => new KeyValuePair<string, string>("WWW-Authenticate", c))]);
    }

    private bool HasSession => _setups.Any(s => s is not null);

    /// <summary>Sends a response (with the Session header once the session exists); false when it could not go.</summary>
    private async Task<bool> ReplyAsync(RtspRequest request, int status, IEnumerable<KeyValuePair<string, string>>? headers = null, string? body = null)
    {
        var all = new List<KeyValuePair<string, string>> { new("Server", ServerInfo.Signature) };
        if (HasSession)
        {
            all.Add(new("Session", $"{_sessionId};timeout={SessionTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}"));
        }
        if (headers is not null)
        {
            all.AddRange(headers);
        }
        if (status >= 400)
        {
            _logger.LogInformation("RTSP {Request} from {Ip}: {Status} {Reason}", request, _remoteIp, status, RtspResponse.Reason(status));
        }
        return await SendAsync(RtspResponse.Build(status, request.CSeq, all, body));
    }

    /// <summary>Writes whole messages (a response, or a player's batch of interleaved frames), one at a
    /// time, within the send timeout; a send that fails or times out closes the connection.</summary>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> data)
    {
        await _sendLock.WaitAsync();
        try
        {
            // One timer for every send of the connection (a player sends a batch per wake-up).
            if (_sendTimeout is null || !_sendTimeout.TryReset())
            {
                _sendTimeout?.Dispose();
                _sendTimeout = new CancellationTokenSource();
            }
            _sendTimeout.CancelAfter(TimeSpan.FromSeconds(_gateway.Options.SendTimeoutSeconds));
            while (!data.IsEmpty)
            {
                var sent = await _socket.SendAsync(data, SocketFlags.None, _sendTimeout.Token);
                Interlocked.Add(ref _sent, sent);
                data = data[sent..];
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            _outcome = "send timed out";
            _gateway.Drops.Drop("rtsp", ConnectionDrops.SendTimeout);
            Kick();
            return false;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            Kick();
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
