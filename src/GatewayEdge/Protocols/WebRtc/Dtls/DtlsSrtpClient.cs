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
    private readonly DtlsCertificate _certificate;
    private readonly string _expectedPeerFingerprint;
    private readonly IReadOnlyList<SrtpProfile> _offered;
    private readonly int _handshakeTimeoutMillis;
    private readonly int _resendMillis;

    public DtlsSrtpClient(DtlsCertificate certificate, string expectedServerFingerprint, IReadOnlyList<SrtpProfile>? profiles = null,
        int handshakeTimeoutMillis = DtlsSrtp.DefaultHandshakeTimeoutMillis, int resendMillis = DtlsSrtp.DefaultResendMillis)
        : base(new BcTlsCrypto(new SecureRandom()))
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedServerFingerprint);
        _offered = profiles ?? DtlsSrtp.DefaultProfiles;
        DtlsSrtp.ValidateProfiles(_offered);
        _certificate = certificate;
        _expectedPeerFingerprint = expectedServerFingerprint;
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

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(_offered.Select(p => (int)p).ToArray(), TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void ProcessServerExtensions(IDictionary<int, byte[]> serverExtensions)
    {
        base.ProcessServerExtensions(serverExtensions);
        var answer = serverExtensions is null ? null : TlsSrtpUtilities.GetUseSrtpExtension(serverExtensions);
        if (answer is null)
            throw Fail(AlertDescription.handshake_failure, "server did not answer use_srtp");
        // RFC 5764 4.1.1: exactly one profile, one the client offered.
        if (answer.ProtectionProfiles.Length != 1 || !_offered.Contains((SrtpProfile)answer.ProtectionProfiles[0]))
            throw Fail(AlertDescription.illegal_parameter, $"server chose SRTP profiles [{string.Join(", ", answer.ProtectionProfiles)}]");
        SelectedProfile = (SrtpProfile)answer.ProtectionProfiles[0];
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        KeyingMaterial = DtlsSrtp.Export(m_context, SelectedProfile!.Value);
    }

    private TlsFatalAlert Fail(short alert, string reason)
    {
        FailureReason = reason;
        return new TlsFatalAlert(alert, reason);
    }

    private sealed class Authentication(DtlsSrtpClient owner) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            var (fingerprint, failure) = DtlsSrtp.CheckPeer(serverCertificate.Certificate, owner._expectedPeerFingerprint, "server");
            owner.PeerFingerprint = fingerprint;
            if (failure is not null)
                throw owner.Fail(AlertDescription.bad_certificate, failure);
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            owner._certificate.CreateSigner(owner.m_context, (BcTlsCrypto)owner.Crypto);
    }
}
