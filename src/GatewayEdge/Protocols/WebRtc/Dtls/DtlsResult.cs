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
    private DtlsResult(DtlsOutcome outcome, string? error, SrtpProfile profile, byte[]? keyingMaterial, string? peerFingerprint,
        DtlsAssociation? association)
    {
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

    public SrtpProfile Profile { get; }

    /// <summary>The "EXTRACTOR-dtls_srtp" export, 2 * (key + salt) bytes for <see cref="Profile"/>.</summary>
    public byte[] KeyingMaterial { get; }

    /// <summary>The peer certificate's "sha-256 AB:CD:..." fingerprint, when it sent one.</summary>
    public string? PeerFingerprint { get; }

    /// <summary>The DTLS association kept for alerts and close; null unless completed.</summary>
    public DtlsAssociation? Association { get; }

    /// <summary>The keying material cut into client/server master keys and salts.</summary>
    public DtlsSrtpKeys Keys => Succeeded ? DtlsSrtpKeys.Split(Profile, KeyingMaterial) : throw new InvalidOperationException("handshake did not complete");

    internal static DtlsResult Completed(SrtpProfile profile, byte[] keyingMaterial, string peerFingerprint, DtlsAssociation association) =>
        new(DtlsOutcome.Completed, null, profile, keyingMaterial, peerFingerprint, association);

    internal static DtlsResult Unsuccessful(DtlsOutcome outcome, string error, string? peerFingerprint = null) =>
        new(outcome, error, SrtpProfile.None, null, peerFingerprint, null);

    public override string ToString() => Succeeded ? $"Completed {Profile} peer {PeerFingerprint}" : $"{Outcome}: {Error}";
}
