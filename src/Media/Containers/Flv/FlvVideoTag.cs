using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>
/// A parsed FLV video tag header, legacy (codec id 7 AVC / 12 HEVC) or Enhanced RTMP
/// ('avc1' / 'hvc1' FourCC). <see cref="Body"/> is the decoder configuration record for
/// sequence headers and the length-prefixed NAL units for coded frames.
/// </summary>
public readonly ref struct FlvVideoTag
{
    public FlvVideoTag(VideoCodecId codec, FlvVideoPacketKind kind, byte frameType, int compositionTime, ReadOnlySpan<byte> body)
    {
        Codec = codec;
        Kind = kind;
        FrameType = frameType;
        CompositionTime = compositionTime;
        Body = body;
    }

    public VideoCodecId Codec { get; }

    public FlvVideoPacketKind Kind { get; }

    /// <summary>FLV frame type: 1 keyframe, 2 inter frame, 3 disposable, 5 command frame.</summary>
    public byte FrameType { get; }

    /// <summary>PTS minus DTS in milliseconds (signed 24-bit on the wire).</summary>
    public int CompositionTime { get; }

    public ReadOnlySpan<byte> Body { get; }

    public bool IsKeyframe => FrameType == 1;
}

/// <summary>A parsed FLV audio tag header (AAC or MP3).</summary>
public readonly ref struct FlvAudioTag
{
    public FlvAudioTag(AudioCodecId codec, FlvAudioPacketKind kind, ReadOnlySpan<byte> body)
    {
        Codec = codec;
        Kind = kind;
        Body = body;
    }

    public AudioCodecId Codec { get; }

    public FlvAudioPacketKind Kind { get; }

    /// <summary>The AudioSpecificConfig, a raw AAC frame, or a whole MP3 frame.</summary>
    public ReadOnlySpan<byte> Body { get; }
}
