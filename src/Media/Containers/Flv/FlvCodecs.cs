
namespace OrleansLive.Media.Containers.Flv;

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
