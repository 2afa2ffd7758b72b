using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>One VP8 or VP9 picture reassembled from RTP: the codec bitstream of the frame (for VP9
/// with more than one frame in the picture, a superframe) and the RTP timestamp of its packets.</summary>
public sealed record RtpVideoFrame(VideoCodecId Codec, uint Timestamp, byte[] Data, bool IsKeyframe);
