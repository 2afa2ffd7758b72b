namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>
/// One m= section. Transport attributes (ICE credentials, fingerprint, setup) are resolved: the
/// section's own value, else the session-level one, so a Firefox or OBS offer that states them
/// once at the top reads the same as Chrome's.
/// </summary>
public sealed class MediaDescription
{
    internal readonly List<SdpAttribute> AttributeList = [];
    internal readonly List<SdpExtmap> ExtmapList = [];
    internal readonly List<SdpSsrc> SsrcList = [];
    internal readonly List<SdpSsrcGroup> SsrcGroupList = [];
    internal readonly List<string> CandidateList = [];
    internal readonly List<Codec> CodecList = [];

    internal MediaDescription(int index, string media, int port, string proto, IReadOnlyList<string> formats)
    {
        Index = index;
        Media = media;
        Kind = media.ToLowerInvariant() switch
        {
            "audio" => MediaKind.Audio,
            "video" => MediaKind.Video,
            "application" => MediaKind.Application,
            _ => MediaKind.Other,
        };
        Port = port;
        Proto = proto;
        Formats = formats;
    }

    /// <summary>Position among the m= lines (JSEP keeps answers in the same order).</summary>
    public int Index { get; }

    /// <summary>The media token as written ("audio", "video", "application").</summary>
    public string Media { get; }

    public MediaKind Kind { get; }

    public int Port { get; }

    /// <summary>"UDP/TLS/RTP/SAVPF" for WebRTC media, "UDP/DTLS/SCTP" for data channels.</summary>
    public string Proto { get; }

    /// <summary>The m= line's format list as written: payload type numbers for RTP.</summary>
    public IReadOnlyList<string> Formats { get; }

    public IReadOnlyList<int> PayloadTypes => [.. Formats.Select(f => int.TryParse(f, out var pt) && pt is >= 0 and <= 127 ? pt : -1).Where(pt => pt >= 0)];

    public string? Mid { get; internal set; }

    /// <summary>The direction attribute, else the session's, else sendrecv (RFC 8866 6.7).</summary>
    public MediaDirection Direction { get; internal set; }

    internal bool DirectionGiven { get; set; }

    public string? IceUfrag { get; internal set; }

    public string? IcePwd { get; internal set; }

    public SdpFingerprint? Fingerprint { get; internal set; }

    public DtlsSetup? Setup { get; internal set; }

    public bool RtcpMux { get; internal set; }

    public bool RtcpRsize { get; internal set; }

    /// <summary>a=bundle-only (RFC 8843 6): port 0, but meant to be accepted inside the BUNDLE group.</summary>
    public bool BundleOnly { get; internal set; }

    /// <summary>a=msid (RFC 8830): "stream-id track-id".</summary>
    public string? Msid { get; internal set; }

    public bool EndOfCandidates { get; internal set; }

    public IReadOnlyList<SdpExtmap> Extmaps => ExtmapList;

    /// <summary>The sources the a=ssrc lines describe, in order of first mention.</summary>
    public IReadOnlyList<SdpSsrc> Ssrcs => SsrcList;

    public IReadOnlyList<SdpSsrcGroup> SsrcGroups => SsrcGroupList;

    /// <summary>a=candidate values as written (after "candidate:").</summary>
    public IReadOnlyList<string> Candidates => CandidateList;

    /// <summary>Payload types with a known encoding, in m= line order (the peer's preference).</summary>
    public IReadOnlyList<Codec> Codecs => CodecList;

    /// <summary>Every a= line of the section, known or not.</summary>
    public IReadOnlyList<SdpAttribute> Attributes => AttributeList;

    /// <summary>Whether the section is on a DTLS-SRTP RTP profile (what a WebRTC gateway can carry).</summary>
    public bool IsSecureRtp => Proto.Contains("RTP/SAVP", StringComparison.OrdinalIgnoreCase)
        && (Proto.Contains("TLS", StringComparison.OrdinalIgnoreCase) || Proto.Contains("DTLS", StringComparison.OrdinalIgnoreCase));

    public Codec? CodecFor(int payloadType) => CodecList.Find(c => c.PayloadType == payloadType);

    public SdpExtmap? ExtmapFor(string uri) => ExtmapList.Find(e => string.Equals(e.Uri, uri, StringComparison.OrdinalIgnoreCase));

    public bool HasAttribute(string name) => AttributeList.Exists(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The RTX source paired with <paramref name="ssrc"/> by a=ssrc-group:FID, if any.</summary>
    public uint? RtxSsrcFor(uint ssrc) =>
        SsrcGroupList.Find(g => string.Equals(g.Semantics, "FID", StringComparison.OrdinalIgnoreCase) && g.Ssrcs.Count == 2 && g.Ssrcs[0] == ssrc) is { } group ? group.Ssrcs[1] : null;

    public override string ToString() => $"m={Media} {Port} {Proto} {string.Join(' ', Formats)} (mid {Mid ?? "none"})";
}
