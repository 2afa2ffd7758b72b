using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>What a receiver needs of any video depacketizer: packets in (in sequence order), and
/// whether loss or damage calls for a keyframe (PLI/FIR).</summary>
public interface IRtpVideoDepacketizer
{
    VideoCodecId Codec { get; }

    bool KeyframeNeeded { get; }

    bool Push(ReadOnlySpan<byte> packet);
}
