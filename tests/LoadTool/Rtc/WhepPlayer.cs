using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;
using OrleansLive.Media.Rtp;

namespace OrleansLive.LoadTool.Rtc;

/// <summary>
/// A WebRTC player as a browser plays WHEP, minus the decoder: POST a recvonly offer, send STUN
/// bindings (ICE-CONTROLLING, USE-CANDIDATE) to the answer's candidate until one succeeds, run the
/// DTLS client handshake, then unprotect the SRTP that arrives and count it: packets and bytes, loss
/// from sequence gaps per SSRC, video access units by the marker bit, the first keyframe, and the
/// publisher's <see cref="LatencyStamp"/> from the SEI in each access unit's first packet. One
/// connected UDP socket per player with one reused receive buffer; a binding every 5 s keeps the
/// gateway's consent (idle timeout) fresh.
/// </summary>
internal sealed class WhepPlayer : LoadPlayer
{
    private static readonly TimeSpan BindingRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Keepalive = TimeSpan.FromSeconds(5);

    /// <summary>Packets kept while the handshake finishes on our side: the gateway starts sending (its
    /// GOP cache first) once its own side is done, a moment before ours.</summary>
    private const int EarlyPacketLimit = 512;

    /// <summary>Bytes of an access unit's first packet searched for the latency stamp: it follows at
    /// most the parameter sets in a STAP-A.</summary>
    private const int StampSearchBytes = 256;

    /// <summary>The gateway sends the GOP cache in one burst (about 100 packets at 500 kbit/s); the
    /// OS default (208 KiB, counted with per-packet overhead) drops part of it on loopback.</summary>
    public const int DefaultReceiveBufferBytes = 1024 * 1024;

    private readonly Uri _url;
    private readonly WhepClients _clients;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(2048);
    private readonly TaskCompletionSource _iceConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ulong _tieBreaker = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    private readonly Queue<byte[]> _early = new();
    private Socket? _socket;
    private Task _receiving = Task.CompletedTask;
    private WhepOffer? _offer;
    private WhepAnswer? _answer;
    private byte[] _remoteKey = [];
    private QueuedDatagramTransport? _dtls;
    private DtlsAssociation? _association;
    private SrtpContext? _inbound;
    private SequenceCount _videoSequence;
    private SequenceCount _audioSequence;
    private long _unitArrived;
    private long _unitStamp;
    private bool _unitKey;
    private bool _keyframeSeen;

    public WhepPlayer(int index, string stream, Uri url, WhepClients clients, PlayerContext context)
        : base(index, stream, context)
    {
        _url = url;
        _clients = clients;
    }

    public override string Kind => "whep";

    /// <summary>ICE and DTLS completed: SRTP keys in hand.</summary>
    public bool MediaConnected => Volatile.Read(ref _inbound) is not null;

    public long RtpPackets;
    public long RtcpPackets;
    public long UnprotectFailures;

    /// <summary>Packets the sequence numbers say were sent but never arrived (video and audio).</summary>
    public long LostPackets => _videoSequence.Lost + _audioSequence.Lost;

    public override void Close()
    {
        _ended.TrySetResult(null);
        // close_notify ends the session on the gateway at once rather than at its idle timeout.
        _association?.Close();
        _dtls?.Close();
        _socket?.Dispose();
    }

    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        PlayRequestTicks = Stopwatch.GetTimestamp();
        _offer = WhepOffer.Create(_clients.Certificate.Fingerprint);
        using (var content = new StringContent(_offer.Sdp, Encoding.UTF8, "application/sdp"))
        using (var response = await _clients.Http.PostAsync(_url, content, cancellationToken))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new IOException($"WHEP offer refused: {(int)response.StatusCode} {body.Trim()}");
            }
            var fallback = IPAddress.TryParse(_url.Host, out var host) ? host : IPAddress.Loopback;
            if (!WhepAnswer.TryParse(body, fallback, out var answer, out var error))
            {
                throw new IOException(error);
            }
            _answer = answer;
        }
        _remoteKey = StunBinding.ShortTermKey(_answer.IcePassword);

        var socket = new Socket(_answer.Candidate.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket = socket;
        socket.ReceiveBufferSize = Options.ReceiveBufferBytes > 0 ? Options.ReceiveBufferBytes : DefaultReceiveBufferBytes;
        if (Options.SourceAddresses > 1 && IPAddress.IsLoopback(_answer.Candidate.Address) && _answer.Candidate.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = IPAddress.Loopback.GetAddressBytes();
            bytes[3] = (byte)(1 + (Index % Options.SourceAddresses));
            socket.Bind(new IPEndPoint(new IPAddress(bytes), 0));
        }
        socket.Connect(_answer.Candidate);
        _receiving = ReceiveAsync(socket);

        // ICE: the gateway is ICE-lite, so our checks are the only ones; the first success is the path.
        try
        {
            while (!_iceConnected.Task.IsCompleted)
            {
                SendBinding();
                await Task.WhenAny(_iceConnected.Task, Task.Delay(BindingRetry, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"ICE: no binding success from {_answer.Candidate} in {Options.ConnectTimeoutSeconds} s");
        }

        var transport = new QueuedDatagramTransport(Send);
        Volatile.Write(ref _dtls, transport);
        var result = await _clients.Handshaker.ConnectAsync(transport, new DtlsSrtpClient(_clients.Certificate, _answer.Fingerprint), cancellationToken);
        if (!result.Succeeded)
        {
            throw new IOException($"DTLS: {result}");
        }
        _association = result.Association;
        _ = result.Association!.Closed.ContinueWith(_ => _ended.TrySetResult("the gateway closed DTLS"), TaskScheduler.Default);
        Volatile.Write(ref _inbound, result.SrtpKeys.CreateInbound());
    }

    protected override async Task PlayAsync(CancellationToken cancellationToken)
    {
        var ended = _ended.Task;
        using var timer = new PeriodicTimer(Keepalive);
        while (true)
        {
            var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(ended, tick) == ended)
            {
                break;
            }
            if (!await tick)
            {
                break;
            }
            SendBinding();
        }
        if (await ended is { } reason)
        {
            throw new IOException(reason);
        }
    }

    protected override void Release()
    {
        _dtls?.Close();
        _socket?.Dispose();
        // The receive loop owns the SRTP context until it has stopped.
        _ = _receiving.ContinueWith(_ => Volatile.Read(ref _inbound)?.Dispose(), TaskScheduler.Default);
    }

    private void Send(ReadOnlySpan<byte> datagram) => _socket?.Send(datagram);

    private void SendBinding()
    {
        var request = StunBinding.Request(StunBinding.NewTransactionId(), _answer!.IceUfrag, _offer!.IceUfrag, _remoteKey,
            priority: 0x6E0001FF, _tieBreaker, controlling: true, useCandidate: true);
        try
        {
            _socket?.Send(request);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The next attempt, or the end of the run, follows.
        }
    }

    private async Task ReceiveAsync(Socket socket)
    {
        var memory = _buffer.AsMemory();
        try
        {
            while (true)
            {
                int length;
                try
                {
                    length = await socket.ReceiveAsync(memory, SocketFlags.None);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
                {
                    // An ICMP error from one of our sends, or an oversized datagram: not the end of the path.
                    continue;
                }
                BytesReceived += length;
                OnDatagram(_buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
        {
            _ended.TrySetResult(Context.Stopping ? null : "socket: " + ex.Message);
        }
    }

    private void OnDatagram(Span<byte> datagram, long arrived)
    {
        if (datagram.IsEmpty)
        {
            return;
        }
        switch (datagram[0])
        {
            case <= 3:
                if (StunMessage.TryParse(datagram, out var stun) && stun.Type == StunMessageType.BindingSuccessResponse && stun.VerifyMessageIntegrity(_remoteKey))
                {
                    _iceConnected.TrySetResult();
                }
                break;
            case >= 20 and <= 63:
                Volatile.Read(ref _dtls)?.Enqueue(datagram);
                break;
            case >= 128 and <= 191:
                if (SrtpContext.IsRtcp(datagram))
                {
                    RtcpPackets++;
                }
                else if (Volatile.Read(ref _inbound) is { } inbound)
                {
                    while (_early.TryDequeue(out var early))
                    {
                        OnSrtp(inbound, early, arrived);
                    }
                    OnSrtp(inbound, datagram, arrived);
                }
                else if (_early.Count < EarlyPacketLimit)
                {
                    _early.Enqueue(datagram.ToArray());
                }
                break;
        }
    }

    private void OnSrtp(SrtpContext inbound, Span<byte> packet, long arrived)
    {
        if (!inbound.UnprotectRtp(packet, out var length) || !RtpHeader.TryParse(packet[..length], out var header))
        {
            UnprotectFailures++;
            return;
        }
        RtpPackets++;
        if (header.PayloadType == _answer!.VideoPayloadType)
        {
            _videoSequence.Add(header.SequenceNumber);
            OnVideoPacket(packet.Slice(header.PayloadOffset, header.PayloadLength), header.Marker, arrived);
        }
        else if (header.PayloadType == _answer.AudioPayloadType)
        {
            _audioSequence.Add(header.SequenceNumber);
            OnAudio(arrived);
        }
    }

    /// <summary>An access unit starts with the first packet after a marker and ends with the next
    /// marker; its arrival is its first packet's, as other players count a frame from its first bytes.</summary>
    private void OnVideoPacket(ReadOnlySpan<byte> payload, bool marker, long arrived)
    {
        if (_unitArrived == 0)
        {
            _unitArrived = arrived;
            _unitStamp = LatencyStamp.TryReadAnnexB(payload, out var stamp, StampSearchBytes) ? stamp : 0;
            _unitKey = false;
        }
        _unitKey |= H264Keyframes.StartsKeyframe(payload);
        if (marker)
        {
            _keyframeSeen |= _unitKey;
            // Until a keyframe has come a frame cannot be shown: it does not count as the first frame.
            OnVideo(_unitArrived, _keyframeSeen, _unitStamp);
            _unitArrived = 0;
        }
    }

    /// <summary>Received packets against the span of extended sequence numbers seen (RFC 3550 A.3).</summary>
    private struct SequenceCount
    {
        private bool _started;
        private long _first;
        private long _highest;
        private long _received;

        public readonly long Lost => _started ? Math.Max(0, _highest - _first + 1 - _received) : 0;

        public void Add(ushort sequence)
        {
            if (!_started)
            {
                _started = true;
                _first = _highest = sequence;
            }
            else
            {
                var delta = (short)(sequence - (ushort)_highest);
                if (delta > 0)
                {
                    _highest += delta;
                }
            }
            _received++;
        }
    }
}
