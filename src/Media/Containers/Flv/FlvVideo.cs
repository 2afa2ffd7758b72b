using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>
/// Facts about FLV/RTMP video tag data (the message payload). Handles the legacy header
/// (frame type and codec id nibbles; AVC and HEVC-as-codec-12 then carry a packet type byte) and
/// Enhanced RTMP's extended header (high bit set, 3-bit frame type, 4-bit packet type, FourCC).
/// </summary>
public static class FlvVideo
{
    public const byte CodecH263 = 2;
    public const byte CodecScreen = 3;
    public const byte CodecVp6 = 4;
    public const byte CodecVp6Alpha = 5;
    public const byte CodecScreen2 = 6;
    public const byte CodecAvc = 7;

    /// <summary>HEVC in the legacy header, as Chinese CDNs and SRS use it.</summary>
    public const byte CodecHevc = 12;

    /// <summary>AV1 (SRS's id; Enhanced RTMP signals it with the av01 FourCC).</summary>
    public const byte CodecAv1 = 13;

    public const byte FrameKey = 1;
    public const byte FrameInter = 2;
    public const byte FrameDisposable = 3;
    public const byte FrameGenerated = 4;
    public const byte FrameCommand = 5;

    // Legacy AVC/HEVC packet types.
    public const byte AvcSequenceHeader = 0;
    public const byte AvcNalu = 1;
    public const byte AvcEndOfSequence = 2;

    // Enhanced RTMP packet types.
    public const byte PacketTypeSequenceStart = 0;
    public const byte PacketTypeCodedFrames = 1;
    public const byte PacketTypeSequenceEnd = 2;
    public const byte PacketTypeCodedFramesX = 3;
    public const byte PacketTypeMetadata = 4;
    public const byte PacketTypeMpeg2TsSequenceStart = 5;
    public const byte PacketTypeMultitrack = 6;
    public const byte PacketTypeModEx = 7;

    /// <summary>True for Enhanced RTMP's extended video header.</summary>
    public static bool IsExHeader(ReadOnlySpan<byte> tagData) => !tagData.IsEmpty && (tagData[0] & 0x80) != 0;

    /// <summary>Frame type (1 key, 2 inter, ...); 0 for empty data.</summary>
    public static byte FrameType(ReadOnlySpan<byte> tagData)
    {
        if (tagData.IsEmpty)
        {
            return 0;
        }

        return IsExHeader(tagData) ? (byte)((tagData[0] >> 4) & 0x07) : (byte)(tagData[0] >> 4);
    }

    /// <summary>The packet type: Enhanced RTMP's from the low nibble, or the legacy AVC/HEVC packet
    /// type byte; 0xFF when there is none.</summary>
    public static byte PacketType(ReadOnlySpan<byte> tagData)
    {
        if (IsExHeader(tagData))
        {
            return (byte)(tagData[0] & 0x0F);
        }

        return tagData.Length >= 2 && IsLegacyAvcOrHevc(tagData[0]) ? tagData[1] : (byte)0xFF;
    }

    /// <summary>The Enhanced RTMP codec FourCC (see <see cref="FlvFourCC"/>); 0 for legacy headers.</summary>
    public static uint FourCC(ReadOnlySpan<byte> tagData) => IsExHeader(tagData) ? FlvFourCC.Read(tagData, 1) : 0;

    public static bool IsKeyframe(ReadOnlySpan<byte> tagData) => FrameType(tagData) == FrameKey;

    /// <summary>True for a decoder configuration (AVC/HEVC sequence header, or Enhanced RTMP SequenceStart),
    /// which players need before any frame and servers cache for late joiners.</summary>
    public static bool IsSequenceHeader(ReadOnlySpan<byte> tagData)
    {
        if (IsExHeader(tagData))
        {
            return tagData.Length >= 5 && (tagData[0] & 0x0F) == PacketTypeSequenceStart;
        }

        // As SRS: a keyframe AVC/HEVC tag with packet type 0.
        return tagData.Length >= 2
            && IsLegacyAvcOrHevc(tagData[0])
            && (tagData[0] >> 4) == FrameKey
            && tagData[1] == AvcSequenceHeader;
    }

    /// <summary>The codec id: the legacy nibble, or for Enhanced RTMP the id matching its FourCC
    /// (7 avc1, 12 hvc1, 13 av01; 0 for others and for empty data).</summary>
    public static byte CodecId(ReadOnlySpan<byte> tagData)
    {
        if (tagData.IsEmpty)
        {
            return 0;
        }

        if (!IsExHeader(tagData))
        {
            return (byte)(tagData[0] & 0x0F);
        }

        return FourCC(tagData) switch
        {
            FlvFourCC.Avc1 => CodecAvc,
            FlvFourCC.Hvc1 => CodecHevc,
            FlvFourCC.Av01 => CodecAv1,
            _ => 0,
        };
    }

    private static bool IsLegacyAvcOrHevc(byte first) => (first & 0x0F) is CodecAvc or CodecHevc;
}
