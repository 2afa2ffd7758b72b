using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

public enum DtlsOutcome
{
    Completed,

    /// <summary>The handshake failed: a bad fingerprint, no use_srtp, a fatal alert, a malformed peer.</summary>
    Failed,

    /// <summary>The overall deadline passed (including time waiting for a handshake slot).</summary>
    TimedOut,

    /// <summary>Every handshake slot and queue place was taken; the handshake never started.</summary>
    Refused,

    /// <summary>The caller cancelled it.</summary>
    Cancelled,
}

/// <summary>
/// The end of one DTLS-SRTP handshake. On success it carries the chosen SRTP profile, the exported
/// keying material and the peer's certificate fingerprint; otherwise the reason.
/// </summary>
public sealed class DtlsResult
{
    private DtlsResult(DtlsOutcome outcome, string? error, SrtpProfile? profile, byte[]? keyingMaterial, string? peerFingerprint,
        DtlsAssociation? association, bool isServer)
    {
        IsServer = isServer;
        Outcome = outcome;
        Error = error;
        Profile = profile;
        KeyingMaterial = keyingMaterial ?? [];
        PeerFingerprint = peerFingerprint;
        Association = association;
    }

    public DtlsOutcome Outcome { get; }

    public bool Succeeded => Outcome == DtlsOutcome.Completed;

    public string? Error { get; }

    /// <summary>The SRTP profile both sides agreed on; null unless completed.</summary>
    public SrtpProfile? Profile { get; }

    /// <summary>Whether this side was the DTLS server (which sends with the server half of the keys).</summary>
    public bool IsServer { get; }

    /// <summary>The "EXTRACTOR-dtls_srtp" export, 2 * (key + salt) bytes for <see cref="Profile"/>.</summary>
    public byte[] KeyingMaterial { get; }

    /// <summary>The peer certificate's "sha-256 AB:CD:..." fingerprint, when it sent one.</summary>
    public string? PeerFingerprint { get; }

    /// <summary>The DTLS association kept for alerts and close; null unless completed.</summary>
    public DtlsAssociation? Association { get; }

    /// <summary>The keying material as this side's SRTP keys: Local protects what it sends, Remote what it receives.</summary>
    public SrtpKeys SrtpKeys => Succeeded
        ? SrtpKeys.FromDtlsExport(KeyingMaterial, Profile!.Value, IsServer)
        : throw new InvalidOperationException("handshake did not complete");

    internal static DtlsResult Completed(SrtpProfile profile, byte[] keyingMaterial, string peerFingerprint, DtlsAssociation association,
        bool isServer) =>
        new(DtlsOutcome.Completed, null, profile, keyingMaterial, peerFingerprint, association, isServer);

    internal static DtlsResult Unsuccessful(DtlsOutcome outcome, string error, string? peerFingerprint = null) =>
        new(outcome, error, null, null, peerFingerprint, null, false);

    public override string ToString() => Succeeded ? $"Completed {Profile} peer {PeerFingerprint}" : $"{Outcome}: {Error}";
}
