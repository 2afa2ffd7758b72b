using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// VP9 RTP payloads back to pictures (RFC 9628): a payload descriptor (I P L F B E V Z, then the
/// picture id, layer indices, reference diffs and scalability structure its bits announce) before the
/// frame's bytes. B starts a frame and E ends it; a frame with P clear (not predicted from an earlier
/// picture) is a keyframe. The frames of one picture (spatial layers) are joined into a superframe.
/// </summary>
public sealed class Vp9Depacketizer(Action<RtpVideoFrame> onFrame, int maxFrameSize = RtpVideoDepacketizer.DefaultMaxAccessUnitSize)
    : RtpFrameDepacketizer(VideoCodecId.Vp9, onFrame, maxFrameSize)
{
    /// <summary>A superframe holds at most eight frames.</summary>
    public const int MaxFramesPerSuperframe = 8;

    private protected override bool Unpack(ReadOnlySpan<byte> payload)
    {
        if (!TryReadDescriptor(payload, out var size, out var begin, out var end, out var predicted))
        {
            return false;
        }

        if (begin && !StartFrame(keyframe: !predicted))
        {
            return false;
        }

        if (size < payload.Length && !Append(payload[size..]))
        {
            return false;
        }

        if (end)
        {
            EndFrame();
        }

        return true;
    }

    private protected override byte[] Join(IReadOnlyList<byte[]> frames)
    {
        var count = Math.Min(frames.Count, MaxFramesPerSuperframe);
        var largest = 0;
        for (var i = 0; i < count; i++)
        {
            largest = Math.Max(largest, frames[i].Length);
        }

        var magnitude = largest < 1 << 8 ? 1 : largest < 1 << 16 ? 2 : largest < 1 << 24 ? 3 : 4;
        var indexSize = 2 + (magnitude * count);
        var data = new byte[frames.Take(count).Sum(f => f.Length) + indexSize];
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            frames[i].CopyTo(data, at);
            at += frames[i].Length;
        }

        // Superframe index (VP9 bitstream spec, Annex B): marker, little-endian sizes, marker again.
        var marker = (byte)(0xC0 | ((magnitude - 1) << 3) | (count - 1));
        data[at++] = marker;
        for (var i = 0; i < count; i++)
        {
            for (var b = 0; b < magnitude; b++)
            {
                data[at++] = (byte)(frames[i].Length >> (8 * b));
            }
        }

        data[at] = marker;
        return data;
    }

    /// <summary>The descriptor's size and its B (begin frame), E (end frame) and P (inter-picture predicted) bits.</summary>
    public static bool TryReadDescriptor(ReadOnlySpan<byte> payload, out int size, out bool begin, out bool end, out bool predicted)
    {
        size = 0;
        begin = end = predicted = false;
        if (payload.IsEmpty)
        {
            return false;
        }

        var first = payload[0];
        bool pictureId = (first & 0x80) != 0, layers = (first & 0x20) != 0, flexible = (first & 0x10) != 0, structure = (first & 0x02) != 0;
        predicted = (first & 0x40) != 0;
        begin = (first & 0x08) != 0;
        end = (first & 0x04) != 0;
        var at = 1;
        if (pictureId)
        {
            if (payload.Length <= at)
            {
                return false;
            }

            at += (payload[at] & 0x80) != 0 ? 2 : 1; // M: 15-bit picture id
        }

        if (layers)
        {
            if (payload.Length <= at)
            {
                return false;
            }

            at += flexible ? 1 : 2; // TID U SID D, and in non-flexible mode TL0PICIDX
        }

        if (flexible && predicted)
        {
            // Up to three P_DIFF bytes, each with N (another follows) in its low bit.
            for (var n = 0; ; n++)
            {
                if (payload.Length <= at || n == 3)
                {
                    return false;
                }

                if ((payload[at++] & 0x01) == 0)
                {
                    break;
                }
            }
        }

        if (structure && !TrySkipScalabilityStructure(payload, ref at))
        {
            return false;
        }

        size = at;
        return at <= payload.Length;
    }

    private static bool TrySkipScalabilityStructure(ReadOnlySpan<byte> payload, ref int at)
    {
        if (payload.Length <= at)
        {
            return false;
        }

        var header = payload[at++];
        var spatialLayers = (header >> 5) + 1;
        if ((header & 0x10) != 0)
        {
            at += 4 * spatialLayers; // WIDTH, HEIGHT per layer
        }

        if ((header & 0x08) != 0)
        {
            if (payload.Length <= at)
            {
                return false;
            }

            var groups = payload[at++];
            for (var g = 0; g < groups; g++)
            {
                if (payload.Length <= at)
                {
                    return false;
                }

                at += 1 + ((payload[at] >> 2) & 0x03); // T U R, then R P_DIFF bytes
            }
        }

        return at <= payload.Length;
    }
}
