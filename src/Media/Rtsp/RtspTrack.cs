using OrleansLive.Media.Codecs;
using OrleansLive.Media.Samples;

namespace OrleansLive.Media.Rtsp;

/// <summary>
/// One media of an RTSP session as its SDP describes it: codec, payload type, clock, the decoder
/// configuration (video parameter sets as NAL units, the AAC AudioSpecificConfig) and the a=control
/// name SETUP refers to it by.
/// </summary>
public sealed record RtspTrack(MediaKind Kind, VideoCodecId Video, AudioCodecId Audio, int PayloadType, int ClockRate, int Channels, string Control)
{
    /// <summary>Video parameter sets (VPS, SPS, PPS) with their NAL headers.</summary>
    public IReadOnlyList<byte[]> ParameterSets { get; init; } = [];

    /// <summary>The AAC AudioSpecificConfig.</summary>
    public byte[] AudioConfig { get; init; } = [];

    /// <summary>RFC 3640 AU header field sizes of an announced AAC track.</summary>
    public int SizeLength { get; init; } = Rtp.AacPacketizer.SizeLength;

    public int IndexLength { get; init; } = Rtp.AacPacketizer.IndexLength;

    public int IndexDeltaLength { get; init; } = Rtp.AacPacketizer.IndexDeltaLength;

    public bool IsVideo => Kind == MediaKind.Video;

    public string CodecName => IsVideo ? Video.ToString() : Audio.ToString();
}
