using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// VP8 RTP payloads back to frames (RFC 7741): a payload descriptor (X R N S R PID, then with X the
/// I/L/T/K extension and the picture id, TL0PICIDX and TID/KEYIDX bytes it announces) before the
/// frame's bytes. A frame starts where S is set with partition id 0; it is a keyframe when the P bit
/// of its first byte is clear. Feed packets in sequence order; frames arrive on the callback.
/// </summary>
public sealed class Vp8Depacketizer(Action<RtpVideoFrame> onFrame, int maxFrameSize = RtpVideoDepacketizer.DefaultMaxAccessUnitSize)
    : RtpFrameDepacketizer(VideoCodecId.Vp8, onFrame, maxFrameSize)
{
    private protected override bool Unpack(ReadOnlySpan<byte> payload)
    {
        if (!TryReadDescriptor(payload, out var size, out var start))
        {
            return false;
        }

        var data = payload[size..];
        if (start)
        {
            if (data.IsEmpty || !StartFrame(keyframe: (data[0] & 0x01) == 0))
            {
                return false;
            }
        }

        return data.IsEmpty || Append(data);
    }

    private protected override byte[] Join(IReadOnlyList<byte[]> frames) => frames[^1]; // one frame per picture

    /// <summary>The descriptor's size and whether the payload starts a frame (S set, PID 0).</summary>
    public static bool TryReadDescriptor(ReadOnlySpan<byte> payload, out int size, out bool frameStart)
    {
        size = 0;
        frameStart = false;
        if (payload.IsEmpty)
        {
            return false;
        }

        var first = payload[0];
        frameStart = (first & 0x10) != 0 && (first & 0x07) == 0;
        var at = 1;
        if ((first & 0x80) != 0)
        {
            if (payload.Length < 2)
            {
                return false;
            }

            var extension = payload[1];
            at = 2;
            if ((extension & 0x80) != 0)
            {
                // Picture id: 7 bits, or 15 when the M bit of its first byte is set.
                if (payload.Length <= at)
                {
                    return false;
                }

                at += (payload[at] & 0x80) != 0 ? 2 : 1;
            }

            if ((extension & 0x40) != 0)
            {
                at++; // TL0PICIDX
            }

            if ((extension & 0x30) != 0)
            {
                at++; // TID, Y, KEYIDX
            }
        }

        size = at;
        return at <= payload.Length;
    }
}
