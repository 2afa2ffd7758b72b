using Org.BouncyCastle.Tls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>
/// One end of a DTLS-SRTP handshake, client or server: what it is given (its certificate, the fingerprint
/// the peer's SDP announced, its SRTP profiles, its timers) and what it learns. BouncyCastle's client and
/// server bases differ, so <see cref="DtlsSrtpClient"/> and <see cref="DtlsSrtpServer"/> each hold one.
/// </summary>
internal sealed class DtlsSrtpEnd : IDtlsSrtpPeer
{
    public DtlsSrtpEnd(DtlsCertificate certificate, string expectedPeerFingerprint, IReadOnlyList<SrtpProfile>? profiles,
        int handshakeTimeoutMillis, int resendMillis)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedPeerFingerprint);
        Profiles = profiles ?? DtlsSrtp.DefaultProfiles;
        DtlsSrtp.ValidateProfiles(Profiles);
        Certificate = certificate;
        ExpectedPeerFingerprint = expectedPeerFingerprint;
        HandshakeTimeoutMillis = handshakeTimeoutMillis;
        ResendMillis = resendMillis;
    }

    public DtlsCertificate Certificate { get; }

    public string ExpectedPeerFingerprint { get; }

    /// <summary>The client's offer, or the server's order of preference.</summary>
    public IReadOnlyList<SrtpProfile> Profiles { get; }

    public int HandshakeTimeoutMillis { get; }

    public int ResendMillis { get; }

    public SrtpProfile? SelectedProfile { get; set; }

    public byte[]? KeyingMaterial { get; private set; }

    public string? PeerFingerprint { get; private set; }

    public string? FailureReason { get; private set; }

    /// <summary>The alert to abort with, remembering why.</summary>
    public TlsFatalAlert Fail(short alert, string reason)
    {
        FailureReason = reason;
        return new TlsFatalAlert(alert, reason);
    }

    /// <summary>Checks the peer's certificate against the SDP fingerprint, aborting with <paramref name="alert"/> when it fails.</summary>
    public void CheckPeer(Certificate? chain, string who, short alert)
    {
        var (fingerprint, failure) = DtlsSrtp.CheckPeer(chain, ExpectedPeerFingerprint, who);
        PeerFingerprint = fingerprint;
        if (failure is not null)
            throw Fail(alert, failure);
    }

    /// <summary>Exports the SRTP keying material once the handshake completed.</summary>
    public void Complete(TlsContext context) => KeyingMaterial = DtlsSrtp.Export(context, SelectedProfile!.Value);
}
