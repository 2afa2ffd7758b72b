using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// A minimal WebRTC peer built from the gateway's own pieces, for tests that must misbehave on
/// purpose: signals a hand-written offer over WHIP/WHEP, answers ICE with STUN bindings from one or
/// more UDP sockets (the last one bound is where it speaks from), runs DTLS as the active side and
/// counts the SRTP packets that arrive on each socket.
/// </summary>
public sealed partial class RawRtcPeer : IAsyncDisposable
{
    private static readonly DtlsHandshaker Handshaker = new();
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _silence = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _loops = [];
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StunMessage>> _transactions = new();
    private readonly ConcurrentDictionary<Socket, int> _rtpBySocket = new();
    private QueuedDatagramTransport? _dtls;
    private SrtpContext? _inbound;
    private SrtpContext? _outbound;
    private Task? _keepalive;
    private long _rtp;
    private ConcurrentQueue<byte[]>? _captured;
    private readonly Lock _srtpGate = new();
    private readonly ConcurrentQueue<(Socket Socket, byte[] Packet)> _early = new();
    private long _rtpUnprotectFailures;

    public RawRtcPeer(int rtcPort, DtlsCertificate? certificate = null)
    {
        _server = new IPEndPoint(IPAddress.Loopback, rtcPort);
        Certificate = certificate ?? DtlsCertificate.Generate("raw-peer");
    }

    public DtlsCertificate Certificate { get; }

    public string LocalUfrag { get; } = RandomToken(8);

    public string LocalPassword { get; } = RandomToken(24);

    public string? ServerUfrag { get; private set; }

    public string? ServerPassword { get; private set; }

    public string? ServerFingerprint { get; private set; }

    /// <summary>The answer's session id as the WHIP Location names it (our ufrag:theirs, from the server's side).</summary>
    public string? SessionId { get; private set; }

    public string? Location { get; private set; }

    /// <summary>The socket datagrams go out from: the last one that sent a binding.</summary>
    public Socket? Current { get; private set; }

    public SrtpContext Outbound => _outbound ?? throw new InvalidOperationException("DTLS not done");

    /// <summary>SRTP packets that arrived and authenticated, on any socket.</summary>
    public long RtpPackets => Interlocked.Read(ref _rtp);

    public long RtpUnprotectFailures => Interlocked.Read(ref _rtpUnprotectFailures);

    public int RtpPacketsOn(Socket socket) => _rtpBySocket.GetValueOrDefault(socket);

    /// <summary>Keeps every RTP packet received from now on, decrypted, for <see cref="Captured"/>.</summary>
    public void Capture() => _captured = new ConcurrentQueue<byte[]>();

    /// <summary>The decrypted RTP packets received since <see cref="Capture"/>, in arrival order.</summary>
    public IReadOnlyCollection<byte[]> Captured => _captured ?? new ConcurrentQueue<byte[]>();

    /// <summary>
    /// An offer as small as the gateway takes: one H.264 video section (and Opus for a player), BUNDLE,
    /// rtcp-mux, our credentials and <paramref name="fingerprint"/> (our certificate's unless given).
    /// </summary>
    public string Offer(bool publish, string? fingerprint = null, string videoCodec = "H264")
    {
        var direction = publish ? "sendonly" : "recvonly";
        var print = fingerprint ?? Certificate.Fingerprint;
        var sdp = new StringBuilder();
        sdp.Append("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n");
        foreach (var (kind, mid, rtpmap, pt) in new[] { ("video", "0", videoCodec + "/90000", 102), ("audio", "1", "opus/48000/2", 111) })
        {
            sdp.Append($"m={kind} 9 UDP/TLS/RTP/SAVPF {pt}\r\nc=IN IP4 0.0.0.0\r\n");
            sdp.Append($"a=ice-ufrag:{LocalUfrag}\r\na=ice-pwd:{LocalPassword}\r\na=fingerprint:{print}\r\na=setup:actpass\r\n");
            sdp.Append($"a=mid:{mid}\r\na={direction}\r\na=rtcp-mux\r\na=rtpmap:{pt} {rtpmap}\r\n");
            if (kind == "video" && videoCodec == "H264")
            {
                sdp.Append($"a=fmtp:{pt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n");
            }
            if (publish)
            {
                sdp.Append($"a=ssrc:{(kind == "video" ? VideoSsrc : AudioSsrc)} cname:rawpeer\r\n");
            }
        }
        return sdp.ToString();
    }

    public const uint VideoSsrc = 0x11223344;

    public const uint AudioSsrc = 0x55667788;

    /// <summary>POSTs the offer; on 201 keeps the answer's ICE credentials and fingerprint.</summary>
    public async Task<HttpResponseMessage> SignalAsync(HttpClient http, string url, string offer)
    {
        using var content = new StringContent(offer, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
        var response = await http.PostAsync(url, content);
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var answer = await response.Content.ReadAsStringAsync();
            ServerUfrag = AnswerLine(answer, "ice-ufrag");
            ServerPassword = AnswerLine(answer, "ice-pwd");
            ServerFingerprint = AnswerLine(answer, "fingerprint");
            Location = response.Headers.Location?.OriginalString;
            SessionId = Location is null ? null : Uri.UnescapeDataString(SessionParam().Match(Location).Groups[1].Value);
        }
        return response;
    }

    /// <summary>Signals and fails the test unless the server answers 201.</summary>
    public async Task SignalOrFailAsync(HttpClient http, string url, bool publish)
    {
        using var response = await SignalAsync(http, url, Offer(publish));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"offer refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A new UDP socket on loopback whose datagrams this peer reads.</summary>
    public Socket OpenSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lock (_sockets)
        {
            _sockets.Add(socket);
            _loops.Add(Task.Run(() => ReceiveLoopAsync(socket)));
        }
        return socket;
    }

    /// <summary>A binding request (USE-CANDIDATE, as the controlling side) from <paramref name="socket"/>; its response, or null after <paramref name="timeout"/>.</summary>
    public async Task<StunMessage?> BindAsync(Socket socket, TimeSpan timeout, string? password = null, string? serverUfrag = null)
    {
        var transaction = StunBinding.NewTransactionId();
        var pending = new TaskCompletionSource<StunMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = Convert.ToHexString(transaction);
        _transactions[key] = pending;
        var request = StunBinding.Request(transaction, serverUfrag ?? ServerUfrag!, LocalUfrag,
            StunBinding.ShortTermKey(password ?? ServerPassword!), priority: 0x7E7F00FF, tieBreaker: 42, controlling: true, useCandidate: true);
        await socket.SendToAsync(request, SocketFlags.None, _server);
        try
        {
            var response = await pending.Task.WaitAsync(timeout);
            if (response.Type == StunMessageType.BindingSuccessResponse && password is null)
            {
                Current = socket;
            }
            return response;
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _transactions.TryRemove(key, out _);
        }
    }

    /// <summary>Binds from a fresh socket, runs DTLS and keeps consent alive with a binding every 500 ms.</summary>
    public async Task ConnectAsync(TimeSpan timeout)
    {
        var socket = OpenSocket();
        Assert.Equal(StunMessageType.BindingSuccessResponse, (await BindAsync(socket, timeout))?.Type);
        var result = await HandshakeAsync(ServerFingerprint!);
        Assert.True(result.Succeeded, $"DTLS: {result}");
        StartKeepalive();
    }

    /// <summary>DTLS as the client from the current socket, checking the server against <paramref name="expectedServerFingerprint"/>.</summary>
    public async Task<DtlsResult> HandshakeAsync(string expectedServerFingerprint)
    {
        var transport = new QueuedDatagramTransport(d =>
        {
            if (Current is { } socket)
            {
                socket.SendTo(d, SocketFlags.None, _server);
            }
        });
        _dtls = transport;
        var result = await Handshaker.ConnectAsync(transport, new DtlsSrtpClient(Certificate, expectedServerFingerprint));
        if (result.Succeeded)
        {
            var keys = result.SrtpKeys;
            _outbound = keys.CreateOutbound();
            lock (_srtpGate)
            {
                _inbound = keys.CreateInbound();
                while (_early.TryDequeue(out var early))
                {
                    ReceiveRtp(early.Socket, early.Packet);
                }
            }
        }
        return result;
    }

    public void StartKeepalive() => _keepalive = Task.Run(async () =>
    {
        while (!_silence.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(500, _silence.Token);
                if (Current is { } socket)
                {
                    await BindAsync(socket, TimeSpan.FromSeconds(1));
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    });

    /// <summary>Ends the keepalives: the peer goes silent (and its sockets still read).</summary>
    public async Task GoSilentAsync()
    {
        await _silence.CancelAsync();
        if (_keepalive is not null)
        {
            await _keepalive;
        }
    }

    /// <summary>Sends raw bytes from the current socket.</summary>
    public void SendRaw(ReadOnlySpan<byte> datagram) => Current!.SendTo(datagram, SocketFlags.None, _server);

    /// <summary>An RTP packet protected with our keys: a valid SRTP packet for any SSRC and payload type.</summary>
    public void SendRtp(uint ssrc, byte payloadType, ushort sequence, uint timestamp, ReadOnlySpan<byte> payload)
    {
        var buffer = new byte[12 + payload.Length + Outbound.RtpOverhead];
        buffer[0] = 0x80;
        buffer[1] = payloadType;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), sequence);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), timestamp);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(8), ssrc);
        payload.CopyTo(buffer.AsSpan(12));
        var length = Outbound.ProtectRtp(buffer, 12 + payload.Length);
        SendRaw(buffer.AsSpan(0, length));
    }

    /// <summary>An RTCP packet (compound or not) protected as SRTCP with our keys.</summary>
    public void SendRtcp(ReadOnlySpan<byte> packet)
    {
        var buffer = new byte[packet.Length + Outbound.RtcpOverhead];
        packet.CopyTo(buffer);
        SendRaw(buffer.AsSpan(0, Outbound.ProtectRtcp(buffer, packet.Length)));
    }

    /// <summary>
    /// An SRTP packet; one that arrives before this side's DTLS completed (the server finishes first
    /// and sends at once) waits until the keys exist, as a browser's DTLS transport lets it.
    /// </summary>
    private void ReceiveRtp(Socket socket, ReadOnlySpan<byte> datagram)
    {
        lock (_srtpGate)
        {
            if (_inbound is null)
            {
                if (_early.Count < 4096)
                {
                    _early.Enqueue((socket, datagram.ToArray()));
                }
                return;
            }
            var packet = datagram.ToArray();
            if (_inbound.UnprotectRtp(packet, out var plain))
            {
                _captured?.Enqueue(packet[..plain]);
                Interlocked.Increment(ref _rtp);
                _rtpBySocket.AddOrUpdate(socket, 1, (_, n) => n + 1);
            }
            else
            {
                Interlocked.Increment(ref _rtpUnprotectFailures);
            }
        }
    }

    private async Task ReceiveLoopAsync(Socket socket)
    {
        var buffer = new byte[2048];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var length = await socket.ReceiveAsync(buffer, SocketFlags.None);
                if (length == 0)
                {
                    continue;
                }
                var datagram = buffer.AsSpan(0, length);
                switch (datagram[0])
                {
                    case <= 3 when StunMessage.TryParse(datagram, out var message):
                        if (_transactions.TryGetValue(Convert.ToHexString(message.TransactionId.Span), out var pending))
                        {
                            pending.TrySetResult(message);
                        }
                        break;
                    case >= 20 and <= 63:
                        _dtls?.Enqueue(datagram);
                        break;
                    case >= 128 and <= 191 when !SrtpContext.IsRtcp(datagram):
                        ReceiveRtp(socket, datagram);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _silence.CancelAsync();
        await _stop.CancelAsync();
        _dtls?.Close();
        lock (_sockets)
        {
            _sockets.ForEach(s => s.Dispose());
        }
        await Task.WhenAll([.. _loops, _keepalive ?? Task.CompletedTask]);
        _inbound?.Dispose();
        _outbound?.Dispose();
        _stop.Dispose();
        _silence.Dispose();
    }

    private static string AnswerLine(string sdp, string attribute) =>
        sdp.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith($"a={attribute}:", StringComparison.Ordinal))[(attribute.Length + 3)..];

    private static string RandomToken(int length) => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz0123456789", length);

    [GeneratedRegex("[?&]session=([^&]+)")]
    private static partial Regex SessionParam();
}
