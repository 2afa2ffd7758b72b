using System.Buffers.Binary;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>One access unit reassembled from RTP: its NAL units (headers included, no start codes)
/// and the RTP timestamp they share.</summary>
public sealed class RtpAccessUnit(VideoCodecId codec, uint timestamp, IReadOnlyList<byte[]> nals)
{
    public VideoCodecId Codec { get; } = codec;

    public uint Timestamp { get; } = timestamp;

    public IReadOnlyList<byte[]> Nals { get; } = nals;

    /// <summary>Contains an H.264 IDR slice or an HEVC IRAP slice.</summary>
    public bool IsKeyframe => Nals.Any(n => NalUnit.IsKeyframe(Codec, n));

    /// <summary>Contains an SPS, PPS or (HEVC) VPS.</summary>
    public bool HasParameterSets => Nals.Any(n => NalUnit.IsParameterSet(Codec, n));

    /// <summary>The AVCC/HVCC form with 4-byte lengths, as MediaSample.Data holds video; parameter
    /// sets left out when <paramref name="includeParameterSets"/> is false (they travel in the
    /// decoder configuration record instead).</summary>
    public byte[] ToLengthPrefixed(bool includeParameterSets = true)
    {
        var kept = includeParameterSets ? Nals : [.. Nals.Where(n => !NalUnit.IsParameterSet(Codec, n))];
        var data = new byte[kept.Sum(n => 4 + n.Length)];
        var at = 0;
        foreach (var nal in kept)
        {
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(at), nal.Length);
            nal.CopyTo(data, at + 4);
            at += 4 + nal.Length;
        }

        return data;
    }
}
