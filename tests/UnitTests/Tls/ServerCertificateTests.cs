using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansLive.GatewayEdge.Tls;

namespace OrleansLive.UnitTests.Tls;

public sealed class ServerCertificateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("servercert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ServerCertificate Load(HttpsOptions options) =>
        new(Options.Create(options), NullLogger<ServerCertificate>.Instance);

    /// <summary>A CA and a leaf it signed, as a certificate authority hands them out.</summary>
    private static (X509Certificate2 Ca, X509Certificate2 Leaf, ECDsa LeafKey) IssueChain()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(2));
        var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=live.example", leafKey, HashAlgorithmName.SHA256);
        var leaf = leafRequest.Create(ca, now.AddDays(-1), now.AddYears(1), [1, 2, 3, 4]);
        return (ca, leaf, leafKey);
    }

    [Fact]
    public void A_full_chain_pem_and_a_separate_key_give_the_leaf_with_its_key_and_the_chain()
    {
        var (ca, leaf, key) = IssueChain();
        var certFile = Path.Combine(_dir, "fullchain.pem");
        var keyFile = Path.Combine(_dir, "key.pem");
        File.WriteAllText(certFile, leaf.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());

        var loaded = Load(new HttpsOptions { CertFile = certFile, KeyFile = keyFile });

        Assert.Equal(leaf.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Equal(ca.Thumbprint, Assert.Single(loaded.Chain).Thumbprint);
    }

    [Fact]
    public void The_key_may_sit_in_the_certificate_file()
    {
        var (_, leaf, key) = IssueChain();
        var certFile = Path.Combine(_dir, "both.pem");
        File.WriteAllText(certFile, leaf.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");

        var loaded = Load(new HttpsOptions { CertFile = certFile });

        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Empty(loaded.Chain);
    }

    [Fact]
    public void Without_a_file_a_self_signed_localhost_certificate_is_generated_and_written_out()
    {
        var written = Path.Combine(_dir, "generated.pem");

        var loaded = Load(new HttpsOptions { GeneratedCertFile = written });

        Assert.True(loaded.Certificate.HasPrivateKey);
        Assert.Equal("CN=localhost", loaded.Certificate.Subject);
        Assert.Contains("127.0.0.1", loaded.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().Select(a => a.ToString()));
        Assert.Equal(loaded.Certificate.Thumbprint, X509Certificate2.CreateFromPem(File.ReadAllText(written)).Thumbprint);
        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", ServerCertificate.Fingerprint(loaded.Certificate));
    }
}
