using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

namespace OrleansLive.UnitTests.Rtc.Dtls;

public partial class DtlsCertificateTests
{
    [GeneratedRegex("^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$")]
    private static partial Regex Sha256Fingerprint();

    [Fact]
    public void GeneratesASelfSignedP256CertificateWithASkewTolerantValidity()
    {
        var now = DateTime.UtcNow;
        var certificate = DtlsCertificate.Generate("gateway", now);
        using var parsed = X509CertificateLoader.LoadCertificate(certificate.Der);

        Assert.Equal("CN=gateway", parsed.Subject);
        Assert.Equal(parsed.Subject, parsed.Issuer);
        using var key = parsed.GetECDsaPublicKey();
        Assert.NotNull(key);
        Assert.Equal(256, key.KeySize);
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        Assert.InRange(parsed.NotBefore.ToUniversalTime(), now.AddDays(-31), now.AddDays(-29));
        Assert.InRange(parsed.NotAfter.ToUniversalTime(), now.AddDays(364), now.AddDays(367));
        Assert.Equal("1.2.840.10045.4.3.2", parsed.SignatureAlgorithm.Value);
    }

    [Fact]
    public void FingerprintIsUppercaseColonHexOfTheDerSha256()
    {
        var certificate = DtlsCertificate.Generate();
        Assert.Matches(Sha256Fingerprint(), certificate.Fingerprint);
        using var parsed = X509CertificateLoader.LoadCertificate(certificate.Der);
        var expected = parsed.GetCertHashString(HashAlgorithmName.SHA256);
        Assert.Equal(expected, certificate.Fingerprint["sha-256 ".Length..].Replace(":", ""));
        Assert.NotEqual(certificate.Fingerprint, DtlsCertificate.Generate().Fingerprint);
    }

    [Theory]
    [InlineData("sha-1", 20)]
    [InlineData("sha-256", 32)]
    [InlineData("SHA-384", 48)]
    [InlineData("sha-512", 64)]
    public void ComputesFingerprintsWithEachSdpHash(string algorithm, int bytes)
    {
        var fingerprint = DtlsCertificate.ComputeFingerprint(DtlsTestPeers.ClientCertificate.Der, algorithm);
        Assert.StartsWith(algorithm.ToLowerInvariant() + " ", fingerprint);
        Assert.Equal(bytes, fingerprint.Split(' ')[1].Split(':').Length);
        Assert.True(DtlsFingerprint.Matches(fingerprint, DtlsTestPeers.ClientCertificate.Der));
    }

    [Fact]
    public void UnknownHashIsRefused() =>
        Assert.Throws<ArgumentException>(() => DtlsCertificate.ComputeFingerprint([1, 2, 3], "md5"));

    [Fact]
    public void MatchingIgnoresCaseAndTheSdpAttributeName()
    {
        var der = DtlsTestPeers.ServerCertificate.Der;
        var fingerprint = DtlsTestPeers.ServerCertificate.Fingerprint;
        Assert.True(DtlsFingerprint.Matches(fingerprint.ToLowerInvariant(), der));
        Assert.True(DtlsFingerprint.Matches("a=fingerprint:" + fingerprint.Replace("sha-256", "SHA-256"), der));
        Assert.True(DtlsFingerprint.Matches("  " + fingerprint + "\r\n", der));
        Assert.False(DtlsFingerprint.Matches(DtlsTestPeers.OtherCertificate.Fingerprint, der));
        Assert.False(DtlsFingerprint.Matches(fingerprint.Replace("sha-256", "md5"), der));
        Assert.False(DtlsFingerprint.Matches("garbage", der));
        Assert.False(DtlsFingerprint.Matches(fingerprint[..^3], der));
    }
}
