using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>
/// The WebRTC client side of DTLS-SRTP (the load tool and tests act as a browser with it): offers
/// use_srtp with its profiles, presents its own certificate, and checks the server's certificate
/// against the fingerprint from the SDP answer. One instance serves one handshake.
/// </summary>
public sealed class DtlsSrtpClient : DefaultTlsClient, IDtlsSrtpPeer
{
    private readonly DtlsSrtpEnd _end;

    public DtlsSrtpClient(DtlsCertificate certificate, string expectedServerFingerprint, IReadOnlyList<SrtpProfile>? profiles = null,
        int handshakeTimeoutMillis = DtlsSrtp.DefaultHandshakeTimeoutMillis, int resendMillis = DtlsSrtp.DefaultResendMillis)
        : base(new BcTlsCrypto(new SecureRandom())) =>
        _end = new DtlsSrtpEnd(certificate, expectedServerFingerprint, profiles, handshakeTimeoutMillis, resendMillis);

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

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_end.Profiles.Select(p => (int)p).ToArray(), TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var answer = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (answer is null)
            throw _end.Fail(AlertDescription.handshake_failure, "server did not answer use_srtp");
        // RFC 5764 4.1.1: exactly one profile, one the client offered.
        if (answer.ProtectionProfiles.Length != 1 || !_end.Profiles.Contains((SrtpProfile)answer.ProtectionProfiles[0]))
            throw _end.Fail(AlertDescription.illegal_parameter, $"server chose SRTP profiles [{string.Join(", ", answer.ProtectionProfiles)}]");
        _end.SelectedProfile = (SrtpProfile)answer.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        _end.Complete(m_context);
    }

    private sealed class Authentication(DtlsSrtpClient owner) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            owner._end.CheckPeer(serverCertificate.Certificate, "server", AlertDescription.bad_certificate);

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            owner._end.Certificate.CreateSigner(owner.m_context, (BcTlsCrypto)owner.Crypto);
    }
}
