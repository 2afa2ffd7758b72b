namespace OrleansLive.Media.Codecs;

/// <summary>Video codecs the media path knows, whatever container or protocol carried them.</summary>
public enum VideoCodecId : byte
{
    Unknown = 0,
    H264,
    H265,
    Av1,
    Vp9,
    Vp8,
}

/// <summary>Audio codecs the media path knows, whatever container or protocol carried them.</summary>
public enum AudioCodecId : byte
{
    Unknown = 0,
    Aac,
    Mp3,
    Opus,
    /// <summary>G.711 A-law (PCMA).</summary>
    G711A,
    /// <summary>G.711 µ-law (PCMU).</summary>
    G711U,
}
