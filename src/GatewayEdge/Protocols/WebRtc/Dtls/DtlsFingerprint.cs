using System.Security.Cryptography;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>Certificate fingerprints in the SDP a=fingerprint form (RFC 8122): "sha-256 AB:CD:...".</summary>
public static class DtlsFingerprint
{
    /// <summary>The fingerprint of a certificate's DER bytes with sha-1, sha-256, sha-384 or sha-512.</summary>
    public static string Compute(ReadOnlySpan<byte> certificateDer, string algorithm = "sha-256")
    {
        var name = algorithm.Trim().ToLowerInvariant();
        byte[] hash = name switch
        {
            "sha-1" => SHA1.HashData(certificateDer),
            "sha-256" => SHA256.HashData(certificateDer),
            "sha-384" => SHA384.HashData(certificateDer),
            "sha-512" => SHA512.HashData(certificateDer),
            _ => throw new ArgumentException($"unsupported fingerprint hash '{algorithm}'", nameof(algorithm)),
        };
        return name + " " + string.Join(':', hash.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>
    /// Whether <paramref name="expected"/> (an SDP fingerprint, with or without "a=fingerprint:") names
    /// <paramref name="certificateDer"/>. Hash names and hex digits compare case-insensitively; an
    /// unknown hash or a malformed value never matches.
    /// </summary>
    public static bool Matches(string expected, ReadOnlySpan<byte> certificateDer)
    {
        var value = expected.Trim();
        if (value.StartsWith("a=fingerprint:", StringComparison.OrdinalIgnoreCase))
            value = value["a=fingerprint:".Length..];
        var space = value.IndexOf(' ');
        if (space <= 0)
            return false;
        var algorithm = value[..space].ToLowerInvariant();
        if (algorithm is not ("sha-1" or "sha-256" or "sha-384" or "sha-512"))
            return false;
        var actual = Compute(certificateDer, algorithm);
        return string.Equals(actual, algorithm + " " + value[(space + 1)..].Trim(), StringComparison.OrdinalIgnoreCase);
    }
}
