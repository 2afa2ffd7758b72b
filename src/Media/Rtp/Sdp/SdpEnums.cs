namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>The media type of an m= line.</summary>
public enum MediaKind
{
    Other,
    Audio,
    Video,
    Application,
}

/// <summary>Which way media flows on an m= line, from the describing side's point of view (RFC 8866 6.7).</summary>
public enum MediaDirection
{
    SendRecv,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary>a=setup (RFC 4145, RFC 8842): who opens the DTLS association. actpass offers either.</summary>
public enum DtlsSetup
{
    ActPass,
    Active,
    Passive,
    HoldConn,
}

/// <summary>What the gateway does on the media sections it accepts: receive (WHIP ingest, a recvonly
/// answer) or send (WHEP playback, a sendonly answer).</summary>
public enum AnswerRole
{
    Receive,
    Send,
}
