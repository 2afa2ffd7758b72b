using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>Splits a length-prefixed access unit into the NAL units a packetizer sends.</summary>
internal static class LengthPrefixedNals
{
    public static List<ReadOnlyMemory<byte>> Split(VideoCodecId codec, ReadOnlyMemory<byte> data, int lengthSize, IReadOnlyList<ReadOnlyMemory<byte>>? parameterSets)
    {
        var nals = new List<ReadOnlyMemory<byte>>();
        var hasSps = false;
        var firstKeyframe = -1;
        var rest = data.Span;
        while (AnnexB.TryReadLengthPrefixed(ref rest, lengthSize, out var nal))
        {
            if (NalUnit.IsFraming(codec, nal))
            {
                continue;
            }

            var offset = data.Length - rest.Length - nal.Length;
            hasSps |= NalUnit.Type(codec, nal) == (codec == VideoCodecId.H265 ? NalUnit.HevcSps : NalUnit.AvcSps);
            if (firstKeyframe < 0 && NalUnit.IsKeyframe(codec, nal))
            {
                firstKeyframe = nals.Count;
            }

            nals.Add(data.Slice(offset, nal.Length));
        }

        if (parameterSets is { Count: > 0 } && firstKeyframe >= 0 && !hasSps)
        {
            nals.InsertRange(firstKeyframe, parameterSets);
        }

        return nals;
    }
}
