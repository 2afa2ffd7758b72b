using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>
/// The gateway's side of a WebRTC DTLS-SRTP handshake (RFC 5763, 5764): DTLS 1.2, ECDHE-ECDSA, the
/// client's certificate requested and checked against the fingerprint in its SDP offer, one SRTP
/// profile chosen from the client's use_srtp list, and the SRTP keying material exported at the end.
/// One instance serves one handshake.
/// </summary>
public sealed class DtlsSrtpServer : DefaultTlsServer, IDtlsSrtpPeer
{
    private readonly DtlsCertificate _certificate;
    private readonly string _expectedPeerFingerprint;
    private readonly IReadOnlyList<SrtpProfile> _preference;
    private readonly int _handshakeTimeoutMillis;
    private readonly int _resendMillis;

    /// <param name="certificate">The gateway's certificate (its fingerprint went into the SDP answer).</param>
    /// <param name="expectedPeerFingerprint">The offer's a=fingerprint value, e.g. "sha-256 AB:CD:...".</param>
    /// <param name="profiles">Profiles in the server's order of preference; the first the client also offers wins.</param>
    public DtlsSrtpServer(DtlsCertificate certificate, string expectedPeerFingerprint, IReadOnlyList<SrtpProfile>? profiles = null,
        int handshakeTimeoutMillis = DtlsSrtp.DefaultHandshakeTimeoutMillis, int resendMillis = DtlsSrtp.DefaultResendMillis)
        : base(new BcTlsCrypto(new SecureRandom()))
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedPeerFingerprint);
        _preference = profiles ?? DtlsSrtp.DefaultProfiles;
        DtlsSrtp.ValidateProfiles(_preference);
        _certificate = certificate;
        _expectedPeerFingerprint = expectedPeerFingerprint;
        _handshakeTimeoutMillis = handshakeTimeoutMillis;
        _resendMillis = resendMillis;
    }

    public SrtpProfile? SelectedProfile { get; private set; }

    public byte[]? KeyingMaterial { get; private set; }

    public string? PeerFingerprint { get; private set; }

    public string? FailureReason { get; private set; }

    /// <summary>A record failing its MAC is dropped, not fatal: anyone can spoof a UDP datagram from the peer's address.</summary>
    public override bool IgnoreCorruptDtlsRecords => true;

    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMillis;

    public override int GetHandshakeResendTimeMillis() => _resendMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => DtlsSrtp.Versions;

    protected override int[] GetSupportedCipherSuites() => (int[])DtlsSrtp.CipherSuites.Clone();

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _certificate.CreateSigner(m_context, (BcTlsCrypto)Crypto);

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null)
            throw Fail(AlertDescription.handshake_failure, "client offered no use_srtp extension");
        foreach (var profile in _preference)
        {
            if (Array.IndexOf(offered.ProtectionProfiles, (int)profile) >= 0)
            {
                SelectedProfile = profile;
                return;
            }
        }
        throw Fail(AlertDescription.handshake_failure,
            $"client offered SRTP profiles [{string.Join(", ", offered.ProtectionProfiles)}], none of [{string.Join(", ", _preference.Select(p => (int)p))}]");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        // No MKI: WebRTC peers send none and RFC 5764 4.1.1 lets the server answer with an empty one.
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)SelectedProfile!.Value], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest() => new(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        var (fingerprint, failure) = DtlsSrtp.CheckPeer(clientCertificate, _expectedPeerFingerprint, "client");
        PeerFingerprint = fingerprint;
        if (failure is not null)
            throw Fail(clientCertificate.IsEmpty ? AlertDescription.handshake_failure : AlertDescription.bad_certificate, failure);
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        if (PeerFingerprint is null)
            throw Fail(AlertDescription.handshake_failure, "client sent no certificate");
        KeyingMaterial = DtlsSrtp.Export(m_context, SelectedProfile!.Value);
    }

    private TlsFatalAlert Fail(short alert, string reason)
    {
        FailureReason = reason;
        return new TlsFatalAlert(alert, reason);
    }
}
