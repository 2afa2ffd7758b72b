using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansLive.GatewayEdge.Tls;

/// <summary>
/// The certificate the TLS listeners present, loaded or generated on first use (so a server without
/// HTTPS or RTMPS never touches one): from <see cref="HttpsOptions.CertFile"/> with its chain, or a
/// self-signed one for localhost, logged with its SHA-256 fingerprint.
/// </summary>
public sealed class ServerCertificate
{
    private readonly Lazy<(X509Certificate2 Leaf, X509Certificate2Collection Chain)> _loaded;
    private readonly Lazy<SslStreamCertificateContext> _context;

    public ServerCertificate(IOptions<HttpsOptions> options, ILogger<ServerCertificate> logger)
    {
        _loaded = new(() => Load(options.Value, logger));
        _context = new(() => SslStreamCertificateContext.Create(Certificate, Chain, offline: true));
    }

    /// <summary>The server's certificate, with its private key.</summary>
    public X509Certificate2 Certificate => _loaded.Value.Leaf;

    /// <summary>The intermediates that follow the certificate in its PEM file.</summary>
    public X509Certificate2Collection Chain => _loaded.Value.Chain;

    /// <summary>What an SslStream presents: the certificate and its chain.</summary>
    public SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificateContext = _context.Value,
        ClientCertificateRequired = false,
    };

    private static (X509Certificate2, X509Certificate2Collection) Load(HttpsOptions options, ILogger logger)
    {
        if (options.CertFile.Length > 0)
        {
            var key = options.KeyFile.Length > 0 ? options.KeyFile : options.CertFile;
            var leaf = X509Certificate2.CreateFromPemFile(options.CertFile, key);
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(options.CertFile);
            var chain = new X509Certificate2Collection();
            foreach (var cert in all)
            {
                if (cert.Thumbprint != leaf.Thumbprint)
                {
                    chain.Add(cert);
                }
            }
            logger.LogInformation("TLS certificate {Subject} from {File} (valid until {NotAfter:u}, SHA-256 {Fingerprint}, {Chain} chain certificates)",
                leaf.Subject, options.CertFile, leaf.NotAfter.ToUniversalTime(), Fingerprint(leaf), chain.Count);
            return (leaf, chain);
        }
        var generated = GenerateSelfSigned();
        logger.LogWarning("No Https:CertFile: generated a self-signed TLS certificate for localhost, SHA-256 {Fingerprint}", Fingerprint(generated));
        if (options.GeneratedCertFile.Length > 0)
        {
            File.WriteAllText(options.GeneratedCertFile, generated.ExportCertificatePem() + "\n");
            logger.LogInformation("Generated TLS certificate written to {File}", options.GeneratedCertFile);
        }
        return (generated, []);
    }

    /// <summary>Colon-separated upper-case hex, as browsers and `openssl x509 -fingerprint -sha256` show it.</summary>
    public static string Fingerprint(X509Certificate2 cert) =>
        Convert.ToHexString(cert.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b);

    /// <summary>ECDSA P-256, CN=localhost with localhost, 127.0.0.1 and ::1 as names, valid for a year.</summary>
    public static X509Certificate2 GenerateSelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
    }
}
