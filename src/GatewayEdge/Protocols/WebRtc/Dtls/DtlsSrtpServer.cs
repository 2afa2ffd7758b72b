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
    private readonly DtlsSrtpEnd _end;

    /// <param name="certificate">The gateway's certificate (its fingerprint went into the SDP answer).</param>
    /// <param name="expectedPeerFingerprint">The offer's a=fingerprint value, e.g. "sha-256 AB:CD:...".</param>
    /// <param name="profiles">Profiles in the server's order of preference; the first the client also offers wins.</param>
    public DtlsSrtpServer(DtlsCertificate certificate, string expectedPeerFingerprint, IReadOnlyList<SrtpProfile>? profiles = null,
        int handshakeTimeoutMillis = DtlsSrtp.DefaultHandshakeTimeoutMillis, int resendMillis = DtlsSrtp.DefaultResendMillis)
        : base(new BcTlsCrypto(new SecureRandom())) =>
        _end = new DtlsSrtpEnd(certificate, expectedPeerFingerprint, profiles, handshakeTimeoutMillis, resendMillis);

    public SrtpProfile? SelectedProfile => _end.SelectedProfile;

    public byte[]? KeyingMaterial => _end.KeyingMaterial;

    public string? PeerFingerprint => _end.PeerFingerprint;

    public string? FailureReason => _end.FailureReason;

    /// <summary>A record failing its MAC is dropped, not fatal: anyone can spoof a UDP datagram from the peer's address.</summary>
    public override bool IgnoreCorruptDtlsRecords => true;

    public override int GetHandshakeTimeoutMillis() => _end.HandshakeTimeoutMillis;

    public override int GetHandshakeResendTimeMillis() => _end.ResendMillis;

    protected override ProtocolVersion[] GetSupportedVersions() => DtlsSrtp.Versions;

    protected override int[] GetSupportedCipherSuites() => (int[])DtlsSrtp.CipherSuites.Clone();

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() => _end.Certificate.CreateSigner(m_context, (BcTlsCrypto)Crypto);

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null)
            throw _end.Fail(AlertDescription.handshake_failure, "client offered no use_srtp extension");
        foreach (var profile in _end.Profiles)
        {
            if (Array.IndexOf(offered.ProtectionProfiles, (int)profile) >= 0)
            {
                _end.SelectedProfile = profile;
                return;
            }
        }
        throw _end.Fail(AlertDescription.handshake_failure,
            $"client offered SRTP profiles [{string.Join(", ", offered.ProtectionProfiles)}], none of [{string.Join(", ", _end.Profiles.Select(p => (int)p))}]");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        // No MKI: WebRTC peers send none and RFC 5764 4.1.1 lets the server answer with an empty one.
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([(int)_end.SelectedProfile!.Value], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override CertificateRequest GetCertificateRequest() => new(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

    public override void NotifyClientCertificate(Certificate clientCertificate) =>
        _end.CheckPeer(clientCertificate, "client", clientCertificate.IsEmpty ? AlertDescription.handshake_failure : AlertDescription.bad_certificate);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        if (_end.PeerFingerprint is null)
            throw _end.Fail(AlertDescription.handshake_failure, "client sent no certificate");
        _end.Complete(m_context);
    }
}
