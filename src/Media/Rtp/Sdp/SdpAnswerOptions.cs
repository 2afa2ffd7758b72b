namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>One of our ICE candidates: a host address the gateway listens on. TCP candidates are
/// passive (RFC 6544): the peer connects to us.</summary>
public sealed record SdpIceCandidate(string Address, int Port, string Protocol = "udp", string Type = "host")
{
    public bool IsTcp => string.Equals(Protocol, "tcp", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A source the gateway sends on one m= line (WHEP): its SSRC, the RTX SSRC when
/// retransmissions are offered, and the names a=ssrc and a=msid carry (SDP tokens: no spaces or '/').</summary>
public sealed record SdpSendTrack(MediaKind Kind, uint Ssrc, string Cname, string StreamId, string TrackId, uint? RtxSsrc = null);

/// <summary>What the gateway brings to an answer: its transport identity and what it accepts.</summary>
public sealed record SdpAnswerOptions
{
    public required string IceUfrag { get; init; }

    public required string IcePwd { get; init; }

    /// <summary>Our DTLS certificate's digest as colon hex ("AB:CD:..").</summary>
    public required string Fingerprint { get; init; }

    public string FingerprintAlgorithm { get; init; } = "sha-256";

    public required AnswerRole Role { get; init; }

    public IReadOnlyList<SdpIceCandidate> Candidates { get; init; } = [];

    /// <summary>Audio codec names, most wanted first.</summary>
    public IReadOnlyList<string> AudioCodecs { get; init; } = [Codec.Opus];

    /// <summary>Video codec names, most wanted first. H.264 first: every player takes it.</summary>
    public IReadOnlyList<string> VideoCodecs { get; init; } = [Codec.H264, Codec.H265, Codec.Av1, Codec.Vp9, Codec.Vp8];

    /// <summary>H.264 profile-level-ids in order of preference; null for <see cref="CodecSelector.DefaultH264Profiles"/>.</summary>
    public IReadOnlyList<string>? H264Profiles { get; init; }

    /// <summary>Overrides the lists above: the codec to take from an m= line, or null to reject it.</summary>
    public Func<MediaDescription, Codec?>? SelectCodec { get; init; }

    /// <summary>Also accept the chosen codec's RTX payload type when offered.</summary>
    public bool AcceptRtx { get; init; } = true;

    /// <summary>RTCP feedback the gateway handles; an answer keeps those the offer has for the codec.</summary>
    public IReadOnlyList<string> RtcpFeedback { get; init; } = ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"];

    /// <summary>Header extensions the gateway understands; the answer keeps the offer's ids for them.</summary>
    public IReadOnlyList<string> HeaderExtensions { get; init; } = [SdpExtensionUris.SdesMid, SdpExtensionUris.AbsSendTime, SdpExtensionUris.TransportWideCc];

    /// <summary>For <see cref="AnswerRole.Send"/>: the tracks to send, given out to the accepted m=
    /// lines of the same kind in order. A line left without one is rejected.</summary>
    public IReadOnlyList<SdpSendTrack> SendTracks { get; init; } = [];

    /// <summary>The o= line's session id; by default one derived from our ICE ufrag.</summary>
    public ulong? SessionId { get; init; }
}
