namespace OrleansLive.GatewayEdge.Ts;

public enum FlvVideoCodec : byte
{
    Unknown = 0,
    Avc,
    Hevc,
}

public enum FlvAudioCodec : byte
{
    Unknown = 0,
    Aac,
    Mp3,
}

/// <summary>What a video tag carries, the same for legacy and Enhanced RTMP headers.</summary>
public enum FlvVideoPacketKind : byte
{
    /// <summary>Command frames, metadata and packet types the muxers do not use.</summary>
    Other = 0,
    SequenceHeader,
    CodedFrames,
    EndOfSequence,
}

public enum FlvAudioPacketKind : byte
{
    Other = 0,
    SequenceHeader,
    RawFrame,
}
