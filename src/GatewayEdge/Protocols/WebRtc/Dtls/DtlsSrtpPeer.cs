using Org.BouncyCastle.Tls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>What both ends of a DTLS-SRTP handshake learn, and the rules they share.</summary>
internal interface IDtlsSrtpPeer
{
    SrtpProfile? SelectedProfile { get; }

    byte[]? KeyingMaterial { get; }

    string? PeerFingerprint { get; }

    /// <summary>Why this side aborted the handshake, when it did.</summary>
    string? FailureReason { get; }
}

internal static class DtlsSrtp
{
    /// <summary>RFC 5764 4.2: the exporter label for SRTP master keys and salts.</summary>
    public const string ExporterLabel = "EXTRACTOR-dtls_srtp";

    public const int DefaultHandshakeTimeoutMillis = 10_000;

    /// <summary>RFC 6347 4.2.4.1 suggests 1 s for the first retransmission; BouncyCastle doubles it up to 60 s.</summary>
    public const int DefaultResendMillis = 1000;

    /// <summary>ECDHE with ECDSA certificates, AEAD first; CBC-SHA for older WebRTC stacks.</summary>
    public static readonly int[] CipherSuites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    public static ProtocolVersion[] Versions => ProtocolVersion.DTLSv12.Only();

    /// <summary>Checks the peer's leaf certificate against the SDP fingerprint; returns its sha-256 fingerprint or the reason it fails.</summary>
    public static (string? Fingerprint, string? Failure) CheckPeer(Certificate? chain, string expectedFingerprint, string who)
    {
        if (chain is null || chain.IsEmpty)
            return (null, $"{who} sent no certificate");
        var der = chain.GetCertificateAt(0).GetEncoded();
        var actual = DtlsFingerprint.Compute(der, "sha-256");
        if (!DtlsFingerprint.Matches(expectedFingerprint, der))
            return (actual, $"{who} certificate fingerprint {actual} does not match the SDP fingerprint {expectedFingerprint}");
        return (actual, null);
    }

    /// <summary>The profiles offered or accepted unless told otherwise, in order of preference: AES-CM first, as every WebRTC stack has it.</summary>
    public static readonly IReadOnlyList<SrtpProfile> DefaultProfiles = [SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.AeadAes128Gcm];

    public static byte[] Export(TlsContext context, SrtpProfile profile) =>
        context.ExportKeyingMaterial(ExporterLabel, null, SrtpKeys.ExportLength(profile));

    public static void ValidateProfiles(IReadOnlyList<SrtpProfile> profiles)
    {
        if (profiles.Count == 0)
            throw new ArgumentException("at least one SRTP profile is needed", nameof(profiles));
        foreach (var profile in profiles)
        {
            if (!profile.IsSupported())
                throw new ArgumentException($"unsupported SRTP profile {profile}", nameof(profiles));
        }
    }
}
