using System.Collections.Concurrent;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>
/// A DTLS datagram transport fed from outside: the gateway's one UDP socket demultiplexes DTLS
/// records (first byte 20..63) and pushes them in with <see cref="Enqueue"/>; sends go out through
/// a callback. BouncyCastle's DTLS is blocking, so <see cref="Receive(Span{byte}, int)"/> waits on a
/// semaphore with the timeout it asks for and returns -1 when it passes (its cue to retransmit).
/// </summary>
public sealed class QueuedDatagramTransport : DatagramTransport
{
    /// <summary>Datagram size for sends; BouncyCastle fragments handshake messages to fit.</summary>
    public const int DefaultMtu = 1200;

    public const int DefaultQueueCapacity = 32;

    /// <summary>The largest datagram accepted from a peer, whatever our own MTU.</summary>
    public const int MaxDatagramSize = 1500;

    private readonly DatagramSend _send;
    private readonly int _mtu;
    private readonly int _capacity;
    private readonly ConcurrentQueue<byte[]> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private int _count;
    private long _dropped;
    private volatile bool _closed;
    private volatile Action? _onEnqueued;

    public QueuedDatagramTransport(DatagramSend send, int mtu = DefaultMtu, int queueCapacity = DefaultQueueCapacity)
    {
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfLessThan(mtu, 256);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        _send = send;
        _mtu = mtu;
        _capacity = queueCapacity;
    }

    public bool IsClosed => _closed;

    /// <summary>Datagrams refused: queue full, too large, empty, or after close.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Datagrams waiting to be read.</summary>
    public int Pending => Volatile.Read(ref _count);

    /// <summary>
    /// Queues a copy of one datagram from the peer. Never throws and never blocks: a full queue drops
    /// (the peer retransmits). Returns whether the datagram was queued.
    /// </summary>
    public bool Enqueue(ReadOnlySpan<byte> datagram)
    {
        if (_closed || datagram.IsEmpty || datagram.Length > Math.Max(_mtu, MaxDatagramSize))
            return Drop();
        if (Interlocked.Increment(ref _count) > _capacity)
        {
            Interlocked.Decrement(ref _count);
            return Drop();
        }
        _queue.Enqueue(datagram.ToArray());
        _available.Release();
        _onEnqueued?.Invoke();
        return true;
    }

    /// <summary>Called after each queued datagram once the handshake is over (see <see cref="DtlsAssociation"/>).</summary>
    internal void OnEnqueued(Action? callback) => _onEnqueued = callback;

    public int GetReceiveLimit() => Math.Max(_mtu, MaxDatagramSize);

    public int GetSendLimit() => _mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <summary>
    /// Waits up to <paramref name="waitMillis"/> (0: forever, as BouncyCastle's contract says) for a
    /// datagram; -1 on timeout. Throws once closed, so a handshake blocked here ends.
    /// </summary>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        ThrowIfClosed();
        if (!_available.Wait(waitMillis <= 0 ? Timeout.Infinite : waitMillis))
            return -1;
        ThrowIfClosed();
        if (!_queue.TryDequeue(out var datagram))
            return -1;
        Interlocked.Decrement(ref _count);
        var length = Math.Min(datagram.Length, buffer.Length);
        datagram.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    /// <summary>Sends through the callback; after close, or when the socket refuses, the datagram is lost as UDP would lose it.</summary>
    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (_closed)
            return;
        try
        {
            _send(buffer);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes the transport and wakes a Receive blocked on it. Idempotent.</summary>
    public void Close()
    {
        if (_closed)
            return;
        _closed = true;
        _onEnqueued = null;
        _available.Release();
        while (_queue.TryDequeue(out _))
            Interlocked.Decrement(ref _count);
    }

    private bool Drop()
    {
        Interlocked.Increment(ref _dropped);
        return false;
    }

    private void ThrowIfClosed()
    {
        if (_closed)
            throw new IOException("DTLS transport closed");
    }
}
