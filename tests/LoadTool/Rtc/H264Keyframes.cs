using System.Buffers.Binary;

namespace OrleansLive.LoadTool.Rtc;

/// <summary>Whether an H.264 RTP payload (RFC 6184, packetization mode 1) begins a keyframe: an IDR
/// slice (NAL type 5) or an SPS (7) alone, inside a STAP-A, or at the start of an FU-A.</summary>
public static class H264Keyframes
{
    private const int StapA = 24;
    private const int FuA = 28;

    public static bool StartsKeyframe(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return false;
        }
        switch (payload[0] & 0x1F)
        {
            case 5 or 7:
                return true;
            case StapA:
                for (var at = 1; at + 2 < payload.Length;)
                {
                    var size = BinaryPrimitives.ReadUInt16BigEndian(payload[at..]);
                    if (size > 0 && (payload[at + 2] & 0x1F) is 5 or 7)
                    {
                        return true;
                    }
                    at += 2 + size;
                }
                return false;
            case FuA:
                return payload.Length > 1 && (payload[1] & 0x80) != 0 && (payload[1] & 0x1F) == 5;
            default:
                return false;
        }
    }
}
