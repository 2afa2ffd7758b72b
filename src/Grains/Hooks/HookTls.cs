using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansLive.Grains.Hooks;

/// <summary>The certificate check of outgoing https calls to hook and forward backends (<see cref="HookTlsOptions"/>).</summary>
internal static class HookTls
{
    public static HookTlsOptions Options(IServiceProvider services)
    {
        var options = new HookTlsOptions();
        services.GetService<IConfiguration>()?.GetSection(HookTlsOptions.Section).Bind(options);
        return options;
    }

    /// <summary>Null: the system's default check is enough (no extra certificates, verification on).</summary>
    public static RemoteCertificateValidationCallback? Validator(HookTlsOptions options)
    {
        if (!options.VerifyCertificate)
        {
            return static (_, _, _, _) => true;
        }
        if (options.TrustedCertFile.Length == 0)
        {
            return null;
        }
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(options.TrustedCertFile);
        return (_, certificate, chain, errors) => errors == SslPolicyErrors.None
            || (errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate is X509Certificate2 leaf && IsTrusted(leaf, chain, trusted));
    }

    /// <summary>True when the chain builds to one of <paramref name="trusted"/> (which may be the leaf itself).</summary>
    private static bool IsTrusted(X509Certificate2 leaf, X509Chain? presented, X509Certificate2Collection trusted)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return chain.Build(leaf);
    }

    /// <summary>The primary handler of a backend HTTP client, with the certificate check applied.</summary>
    public static SocketsHttpHandler Apply(SocketsHttpHandler handler, IServiceProvider services)
    {
        if (Validator(Options(services)) is { } validator)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validator;
        }
        return handler;
    }
}
