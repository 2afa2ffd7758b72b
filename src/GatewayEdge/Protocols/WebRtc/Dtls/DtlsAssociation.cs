using Org.BouncyCastle.Tls;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>
/// A completed DTLS association. WebRTC media goes as SRTP outside DTLS, so this only answers what
/// still arrives as DTLS: a peer retransmitting its last flight (our final flight was lost; BouncyCastle
/// resends it), close_notify and fatal alerts. Records keep arriving through the same
/// <see cref="QueuedDatagramTransport.Enqueue"/>; each one is handled on the thread pool, never on
/// the caller's receive loop, and no thread waits for them.
/// </summary>
public sealed class DtlsAssociation
{
    private readonly DtlsTransport _dtls;
    private readonly QueuedDatagramTransport _transport;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private readonly byte[] _buffer;
    private int _scheduled;

    internal DtlsAssociation(DtlsTransport dtls, QueuedDatagramTransport transport)
    {
        _dtls = dtls;
        _transport = transport;
        _buffer = new byte[Math.Max(dtls.GetReceiveLimit(), 1)];
        transport.OnEnqueued(Schedule);
        // Records that arrived between the end of the handshake and now.
        Schedule();
    }

    /// <summary>Completes when either side closes the association or the peer sends a fatal alert.</summary>
    public Task Closed => _closed.Task;

    public bool IsClosed => _closed.Task.IsCompleted;

    /// <summary>Sends close_notify and closes the transport. Idempotent.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _transport.OnEnqueued(null);
            try
            {
                _dtls.Close();
            }
            catch (IOException)
            {
            }
            _transport.Close();
            _closed.TrySetResult();
        }
    }

    private void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        lock (_gate)
        {
            Volatile.Write(ref _scheduled, 0);
            try
            {
                // A 1 ms wait: every record here is already queued, and BouncyCastle treats 0 as "forever".
                while (_transport.Pending > 0 && !_transport.IsClosed)
                    _dtls.Receive(_buffer, 0, _buffer.Length, 1);
            }
            catch (Exception)
            {
                // A fatal alert from the peer, a transport closed under us, or anything a malformed record
                // provokes: the association is over, and a thread-pool item must not throw.
                _transport.Close();
            }
            if (_transport.IsClosed)
            {
                _transport.OnEnqueued(null);
                _closed.TrySetResult();
            }
        }
    }
}
