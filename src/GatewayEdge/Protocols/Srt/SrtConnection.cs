using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using OrleansLive.GatewayEdge.Protocols.Srt.Native;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>
/// One accepted SRT connection. Its socket is served by the server's event loop: received live
/// messages arrive on <see cref="Messages"/>, <see cref="Send"/> may be called from any thread and
/// never waits, and <see cref="Closed"/> completes once with the reason the connection ended.
/// </summary>
public sealed class SrtConnection
{
    private readonly SrtServer _server;
    private readonly Channel<SrtMessage> _messages;
    private readonly TaskCompletionSource<SrtClose> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bytesSent;
    private long _bytesReceived;
    private long _receiveDrops;
    private long _sendDrops;
    private int _closing;
    private SrtConnectionStats? _finalStats;

    internal SrtConnection(SrtServer server, int socket, IPEndPoint? remoteEndPoint, string streamId, int payloadSize, int queueMessages)
    {
        _server = server;
        SocketId = socket;
        RemoteEndPoint = remoteEndPoint;
        StreamId = streamId;
        PayloadSize = payloadSize;
        // Only the event loop writes; dropping the newest when full keeps the loop from ever waiting.
        _messages = Channel.CreateBounded<SrtMessage>(new BoundedChannelOptions(queueMessages)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>libsrt's socket id, unique among open connections.</summary>
    public int SocketId { get; }

    public IPEndPoint? RemoteEndPoint { get; }

    /// <summary>The caller's SRTO_STREAMID, as sent (parse it with <see cref="SrtStreamId"/>).</summary>
    public string StreamId { get; }

    /// <summary>The largest message <see cref="Send"/> takes.</summary>
    public int PayloadSize { get; }

    /// <summary>Received messages in order; completes when the connection closes. Dispose each one.</summary>
    public ChannelReader<SrtMessage> Messages => _messages.Reader;

    public Task<SrtClose> Closed => _closed.Task;

    public bool IsClosed => Volatile.Read(ref _closing) != 0;

    /// <summary>Payload bytes handed to libsrt by <see cref="Send"/>.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Payload bytes received from the peer, including any dropped for a full queue.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Received messages dropped because the reader fell behind by a full queue.</summary>
    public long ReceiveDrops => Interlocked.Read(ref _receiveDrops);

    /// <summary>Messages <see cref="Send"/> dropped because libsrt's send buffer was full.</summary>
    public long SendDrops => Interlocked.Read(ref _sendDrops);

    /// <summary>Sends one live message of at most <see cref="PayloadSize"/> bytes without waiting.</summary>
    public SrtSendResult Send(ReadOnlySpan<byte> message)
    {
        if (message.Length > PayloadSize)
        {
            throw new ArgumentOutOfRangeException(nameof(message), message.Length, $"an SRT live message holds at most {PayloadSize} bytes");
        }
        if (IsClosed)
        {
            return SrtSendResult.Closed;
        }
        if (message.IsEmpty)
        {
            return SrtSendResult.Sent;
        }
        var sent = LibSrt.srt_sendmsg2(SocketId, ref MemoryMarshal.GetReference(message), message.Length, 0);
        if (sent >= 0)
        {
            Interlocked.Add(ref _bytesSent, message.Length);
            return SrtSendResult.Sent;
        }
        var (code, text) = LibSrt.LastError();
        if (code == SrtError.AsyncSend)
        {
            Interlocked.Increment(ref _sendDrops);
            return SrtSendResult.Dropped;
        }
        RequestClose(new SrtClose(SrtServer.IsBrokenLink(code) ? SrtCloseReason.PeerClosedOrBroken : SrtCloseReason.Error, $"send failed: {text}"));
        return SrtSendResult.Closed;
    }

    /// <summary>Sends a longer run of bytes (e.g. muxed TS) as consecutive messages of
    /// <see cref="PayloadSize"/> bytes; Dropped if any piece was dropped, Closed if the connection closed.</summary>
    public SrtSendResult SendSplit(ReadOnlySpan<byte> data)
    {
        var result = SrtSendResult.Sent;
        while (!data.IsEmpty)
        {
            var piece = data[..Math.Min(PayloadSize, data.Length)];
            data = data[piece.Length..];
            switch (Send(piece))
            {
                case SrtSendResult.Closed:
                    return SrtSendResult.Closed;
                case SrtSendResult.Dropped:
                    result = SrtSendResult.Dropped;
                    break;
            }
        }
        return result;
    }

    /// <summary>Closes the connection; the event loop does it promptly and completes <see cref="Closed"/>.</summary>
    public void Close() => RequestClose(new SrtClose(SrtCloseReason.ClosedLocally, ""));

    /// <summary>libsrt's counters while open; the last ones read before closing afterwards.</summary>
    public SrtConnectionStats? Stats() => Volatile.Read(ref _finalStats) ?? ReadStats();

    internal void RequestClose(SrtClose why)
    {
        if (Interlocked.CompareExchange(ref _closing, 1, 0) == 0)
        {
            _server.RequestClose(this, why);
        }
    }

    /// <summary>Marks the connection closing from the event loop; false if it already was.</summary>
    internal bool MarkClosing() => Interlocked.CompareExchange(ref _closing, 1, 0) == 0;

    internal void Deliver(byte[] buffer, int length)
    {
        Interlocked.Add(ref _bytesReceived, length);
        if (!_messages.Writer.TryWrite(new SrtMessage(buffer, length)))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref _receiveDrops);
        }
    }

    internal void SnapshotStats() => Volatile.Write(ref _finalStats, ReadStats());

    internal void Complete(SrtClose why)
    {
        _messages.Writer.TryComplete();
        _closed.TrySetResult(why);
    }

    private SrtConnectionStats? ReadStats()
    {
        if (LibSrt.srt_bstats(SocketId, out var s, 0) < 0)
        {
            return null;
        }
        return new SrtConnectionStats(
            s.BytesSentTotal, s.BytesReceivedTotal, s.PacketsSentTotal, s.PacketsReceivedTotal,
            s.PacketsSendLossTotal, s.PacketsReceiveLossTotal, s.PacketsRetransmittedTotal,
            s.PacketsSendDropTotal, s.PacketsReceiveDropTotal, s.PacketsUndecryptedTotal,
            s.RttMs, s.SendRateMbps, s.ReceiveRateMbps, s.MaxBandwidthMbps);
    }
}
