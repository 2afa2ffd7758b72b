using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using X509Certificate = Org.BouncyCastle.X509.X509Certificate;
using X509V3CertificateGenerator = Org.BouncyCastle.X509.X509V3CertificateGenerator;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate for DTLS-SRTP. WebRTC authenticates it by the fingerprint
/// carried in SDP, not by a CA, so one is generated when the gateway starts.
/// </summary>
public sealed class DtlsCertificate
{
    private readonly AsymmetricKeyParameter _privateKey;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey, DateTime notBefore, DateTime notAfter)
    {
        Der = der;
        _privateKey = privateKey;
        NotBefore = notBefore;
        NotAfter = notAfter;
        Fingerprint = DtlsFingerprint.Compute(der, "sha-256");
    }

    /// <summary>The certificate's DER encoding.</summary>
    public byte[] Der { get; }

    /// <summary>"sha-256 AB:CD:..." as SDP's a=fingerprint wants it.</summary>
    public string Fingerprint { get; }

    public DateTime NotBefore { get; }

    public DateTime NotAfter { get; }

    /// <summary>Generates a key pair and a certificate valid from 30 days back to a year ahead (clock skew on peers).</summary>
    public static DtlsCertificate Generate(string commonName = "OrleansLive", DateTime? now = null)
    {
        var random = new SecureRandom();
        var keys = new ECKeyPairGenerator("EC");
        keys.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var pair = keys.GenerateKeyPair();

        var utcNow = (now ?? DateTime.UtcNow).ToUniversalTime();
        var notBefore = utcNow.AddDays(-30);
        var notAfter = utcNow.AddYears(1);
        var name = new X509Name("CN=" + commonName);
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(63, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(notBefore);
        generator.SetNotAfter(notAfter);
        generator.SetPublicKey(pair.Public);
        X509Certificate certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", pair.Private, random));
        return new DtlsCertificate(certificate.GetEncoded(), pair.Private, notBefore, notAfter);
    }

    /// <summary>The fingerprint of any certificate's DER bytes (sha-1, sha-256, sha-384, sha-512).</summary>
    public static string ComputeFingerprint(ReadOnlySpan<byte> der, string algorithm = "sha-256") => DtlsFingerprint.Compute(der, algorithm);

    internal Certificate ToTlsCertificate(TlsCrypto crypto) => new([crypto.CreateCertificate(Der)]);

    /// <summary>Signing credentials for one handshake (ServerKeyExchange or CertificateVerify).</summary>
    internal TlsCredentialedSigner CreateSigner(TlsContext context, BcTlsCrypto crypto) => new BcDefaultTlsCredentialedSigner(
        new TlsCryptoParameters(context), crypto, _privateKey, ToTlsCertificate(crypto),
        new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
}
