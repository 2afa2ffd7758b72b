using Org.BouncyCastle.Tls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>
/// Runs DTLS-SRTP handshakes with bounded cost. BouncyCastle's Accept/Connect block a thread while
/// they wait for flights, so each running handshake gets a dedicated long-running task; a semaphore
/// bounds how many run, a counter bounds how many wait, and an overall deadline closes the transport
/// (which wakes the blocked Receive) so no thread stays blocked on a silent peer.
/// When the outcome is not <see cref="DtlsOutcome.Completed"/> the transport has been closed.
/// </summary>
public sealed class DtlsHandshaker
{
    private readonly DtlsHandshakerOptions _options;
    private readonly SemaphoreSlim _slots;
    private int _admitted;
    private int _running;

    public DtlsHandshaker(DtlsHandshakerOptions? options = null)
    {
        _options = options ?? new DtlsHandshakerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxConcurrent, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxQueued);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_options.Timeout, TimeSpan.Zero);
        _slots = new SemaphoreSlim(_options.MaxConcurrent, _options.MaxConcurrent);
    }

    /// <summary>Handshakes running or waiting for a slot.</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Handshakes holding a thread now.</summary>
    public int Running => Volatile.Read(ref _running);

    /// <summary>Runs the server side over <paramref name="transport"/>, which the caller keeps feeding with the peer's DTLS datagrams.</summary>
    public Task<DtlsResult> AcceptAsync(QueuedDatagramTransport transport, DtlsSrtpServer server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        // No HelloVerifyRequest: ICE connectivity checks have already proved the peer's address.
        return RunAsync(transport, server, () => new DtlsServerProtocol { VerifyRequests = false }.Accept(server, transport), cancellationToken);
    }

    /// <summary>Runs the client side (the load tool and tests acting as a WebRTC peer).</summary>
    public Task<DtlsResult> ConnectAsync(QueuedDatagramTransport transport, DtlsSrtpClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return RunAsync(transport, client, () => new DtlsClientProtocol().Connect(client, transport), cancellationToken);
    }

    private async Task<DtlsResult> RunAsync(QueuedDatagramTransport transport, IDtlsSrtpPeer peer, Func<DtlsTransport> handshake,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        if (Interlocked.Increment(ref _admitted) > _options.MaxConcurrent + _options.MaxQueued)
        {
            Interlocked.Decrement(ref _admitted);
            transport.Close();
            return DtlsResult.Unsuccessful(DtlsOutcome.Refused,
                $"{_options.MaxConcurrent} DTLS handshakes running and {_options.MaxQueued} waiting");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        var registration = deadline.Token.Register(static state => ((QueuedDatagramTransport)state!).Close(), transport);
        try
        {
            try
            {
                await _slots.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return Ended(cancellationToken, "while waiting for a handshake slot");
            }

            try
            {
                Interlocked.Increment(ref _running);
                return await Task.Factory.StartNew(() => Run(transport, peer, handshake, () => registration.Dispose(), deadline.Token, cancellationToken),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _running);
                _slots.Release();
            }
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _admitted);
        }
    }

    private static DtlsResult Run(QueuedDatagramTransport transport, IDtlsSrtpPeer peer, Func<DtlsTransport> handshake,
        Action disarmDeadline, CancellationToken deadline, CancellationToken cancellationToken)
    {
        DtlsTransport dtls;
        try
        {
            dtls = handshake();
        }
        catch (Exception e)
        {
            // Whatever a malformed peer provokes inside BouncyCastle ends this handshake, never the thread.
            transport.Close();
            if (deadline.IsCancellationRequested)
                return Ended(cancellationToken, "during the handshake", peer.PeerFingerprint);
            if (e is TlsTimeoutException)
                return DtlsResult.Unsuccessful(DtlsOutcome.TimedOut, e.Message, peer.PeerFingerprint);
            return DtlsResult.Unsuccessful(DtlsOutcome.Failed, peer.FailureReason ?? Describe(e), peer.PeerFingerprint);
        }

        // Disarmed before the check, so a deadline firing now cannot close a completed association.
        disarmDeadline();
        if (transport.IsClosed || peer.SelectedProfile is not { } profile || peer.KeyingMaterial is null || peer.PeerFingerprint is null)
        {
            dtls.Close();
            transport.Close();
            return deadline.IsCancellationRequested
                ? Ended(cancellationToken, "as the handshake completed", peer.PeerFingerprint)
                : DtlsResult.Unsuccessful(DtlsOutcome.Failed, peer.FailureReason ?? "handshake ended without keying material", peer.PeerFingerprint);
        }
        return DtlsResult.Completed(profile, peer.KeyingMaterial, peer.PeerFingerprint, new DtlsAssociation(dtls, transport), peer is DtlsSrtpServer);
    }

    private static DtlsResult Ended(CancellationToken cancellationToken, string when, string? peerFingerprint = null) =>
        cancellationToken.IsCancellationRequested
            ? DtlsResult.Unsuccessful(DtlsOutcome.Cancelled, "cancelled " + when, peerFingerprint)
            : DtlsResult.Unsuccessful(DtlsOutcome.TimedOut, "timed out " + when, peerFingerprint);

    private static string Describe(Exception e) => e switch
    {
        TlsFatalAlertReceived received => $"peer sent fatal alert {AlertDescription.GetText(received.AlertDescription)}",
        TlsFatalAlert alert => $"{AlertDescription.GetText(alert.AlertDescription)}: {alert.Message}",
        _ => e.Message,
    };
}
