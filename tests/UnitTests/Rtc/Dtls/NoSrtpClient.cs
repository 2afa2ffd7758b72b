using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

namespace OrleansLive.UnitTests.Rtc.Dtls;

/// <summary>A plain DTLS 1.2 client with a certificate but no use_srtp extension.</summary>
internal sealed class NoSrtpClient(DtlsCertificate certificate) : DefaultTlsClient(new BcTlsCrypto(new SecureRandom()))
{
    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];

    public override int GetHandshakeTimeoutMillis() => 10_000;

    public override TlsAuthentication GetAuthentication() => new Authentication(this, certificate);

    private sealed class Authentication(NoSrtpClient owner, DtlsCertificate certificate) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            certificate.CreateSigner(owner.m_context, (BcTlsCrypto)owner.Crypto);
    }
}
