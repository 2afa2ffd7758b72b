using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Samples;

public enum MediaKind : byte
{
    Video,
    Audio,
    /// <summary>Stream metadata (onMetaData), not a coded sample.</summary>
    Script,
}

/// <summary>What a sample holds besides coded media.</summary>
public enum SamplePart : byte
{
    /// <summary>Coded frames: a video access unit, or one or more audio frames.</summary>
    Frame,
    /// <summary>A decoder configuration (avcC/hvcC/av1C record, AudioSpecificConfig, OpusHead): the
    /// "sequence header" of RTMP.</summary>
    Config,
    /// <summary>The end of a video sequence.</summary>
    EndOfSequence,
    /// <summary>Anything the muxers pass over (command frames, metadata, unknown packet types).</summary>
    Other,
}

/// <summary>
/// The codec-neutral facts of one sample, read once where the sample enters the server (an FLV tag
/// header, a PES header) and carried with it, so muxers and recorders never parse the container again.
/// <see cref="BodyOffset"/> locates the codec bitstream inside the container payload the sample came in.
/// </summary>
/// <param name="CompositionTime">PTS minus DTS in milliseconds.</param>
public readonly record struct SampleHeader(
    MediaKind Kind,
    VideoCodecId VideoCodec,
    AudioCodecId AudioCodec,
    SamplePart Part,
    bool Keyframe,
    int CompositionTime,
    int BodyOffset)
{
    public bool IsVideo => Kind == MediaKind.Video;

    public bool IsAudio => Kind == MediaKind.Audio;

    public bool IsConfig => Part == SamplePart.Config;

    /// <summary>A video keyframe with coded pictures (not a configuration): a GOP starts here.</summary>
    public bool IsKeyframe => Keyframe && Part == SamplePart.Frame && Kind == MediaKind.Video;

    public static SampleHeader Script => new(MediaKind.Script, VideoCodecId.Unknown, AudioCodecId.Unknown, SamplePart.Other, false, 0, 0);
}

/// <summary>
/// One sample in the codec-neutral model: its header, decode time in milliseconds and the codec
/// bitstream. Video is length-prefixed NAL units (AVCC/HVCC, 4-byte lengths unless the decoder
/// configuration says otherwise) or AV1 OBUs; audio is raw frames (AAC without ADTS, MP3 frames,
/// Opus packets, G.711 bytes); a configuration is the record itself. The data is only valid during
/// the call it is passed to: callers may hand in pooled memory.
/// </summary>
public readonly record struct MediaSample(SampleHeader Header, long Dts, ReadOnlyMemory<byte> Data)
{
    public long Pts => Dts + Header.CompositionTime;

    public bool IsVideo => Header.IsVideo;

    public bool IsAudio => Header.IsAudio;
}
