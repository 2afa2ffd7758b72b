namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>What became of one offered m= line.</summary>
/// <param name="Codec">The payload type chosen (null when rejected).</param>
/// <param name="Rtx">Its retransmission payload type, when offered and accepted.</param>
/// <param name="Extensions">The header extensions kept, with the offer's ids.</param>
/// <param name="Direction">The answer's direction for the line (inactive when rejected).</param>
/// <param name="RejectReason">Why the line got port 0, for logs.</param>
public sealed record AnsweredMedia(
    MediaDescription Offer,
    bool Accepted,
    Codec? Codec,
    Codec? Rtx,
    IReadOnlyList<SdpExtmap> Extensions,
    MediaDirection Direction,
    SdpSendTrack? Track,
    string? RejectReason)
{
    public string? Mid => Offer.Mid;

    public MediaKind Kind => Offer.Kind;
}

/// <summary>The answer text and what it settled: the transport's remote credentials, our DTLS role,
/// and per m= line the codec, extensions and source.</summary>
public sealed record SdpAnswer(
    string Sdp,
    IReadOnlyList<AnsweredMedia> Media,
    IReadOnlyList<string> BundleMids,
    string RemoteIceUfrag,
    string RemoteIcePwd,
    SdpFingerprint RemoteFingerprint,
    DtlsSetup LocalSetup)
{
    public IEnumerable<AnsweredMedia> Accepted => Media.Where(m => m.Accepted);

    /// <summary>Whether the gateway is the DTLS client (the peer offered setup:passive).</summary>
    public bool DtlsClient => LocalSetup == DtlsSetup.Active;
}
