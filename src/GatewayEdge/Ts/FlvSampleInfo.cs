using System.Buffers.Binary;

namespace OrleansLive.GatewayEdge.Ts;

/// <summary>Pure byte checks on FLV tag bodies: codec, packet kind, keyframe and composition time.</summary>
public static class FlvSampleInfo
{
    private const byte LegacyAvc = 7;
    private const byte LegacyHevc = 12;
    private const byte SoundFormatMp3 = 2;
    private const byte SoundFormatAac = 10;

    private static readonly uint FourCcAvc1 = BinaryPrimitives.ReadUInt32BigEndian("avc1"u8);
    private static readonly uint FourCcHvc1 = BinaryPrimitives.ReadUInt32BigEndian("hvc1"u8);

    public static bool TryParseVideo(ReadOnlySpan<byte> data, out FlvVideoTag tag)
    {
        tag = default;
        if (data.Length < 5)
        {
            return false;
        }
        var b0 = data[0];
        if ((b0 & 0x80) != 0)
        {
            return TryParseEnhancedVideo(data, out tag);
        }
        var codec = (b0 & 0x0F) switch
        {
            LegacyAvc => FlvVideoCodec.Avc,
            LegacyHevc => FlvVideoCodec.Hevc,
            _ => FlvVideoCodec.Unknown,
        };
        var frameType = (byte)(b0 >> 4);
        var kind = data[1] switch
        {
            0 => FlvVideoPacketKind.SequenceHeader,
            1 => FlvVideoPacketKind.CodedFrames,
            2 => FlvVideoPacketKind.EndOfSequence,
            _ => FlvVideoPacketKind.Other,
        };
        if (frameType == 5)
        {
            kind = FlvVideoPacketKind.Other;
        }
        tag = new FlvVideoTag(codec, kind, frameType, ReadSigned24(data[2..]), data[5..]);
        return true;
    }

    public static bool TryParseAudio(ReadOnlySpan<byte> data, out FlvAudioTag tag)
    {
        tag = default;
        if (data.Length < 1)
        {
            return false;
        }
        switch (data[0] >> 4)
        {
            case SoundFormatAac:
                if (data.Length < 2)
                {
                    return false;
                }
                var kind = data[1] switch
                {
                    0 => FlvAudioPacketKind.SequenceHeader,
                    1 => FlvAudioPacketKind.RawFrame,
                    _ => FlvAudioPacketKind.Other,
                };
                tag = new FlvAudioTag(FlvAudioCodec.Aac, kind, data[2..]);
                return true;
            case SoundFormatMp3:
                tag = new FlvAudioTag(FlvAudioCodec.Mp3, FlvAudioPacketKind.RawFrame, data[1..]);
                return true;
            default:
                tag = new FlvAudioTag(FlvAudioCodec.Unknown, FlvAudioPacketKind.Other, data[1..]);
                return true;
        }
    }

    public static FlvVideoCodec VideoCodec(ReadOnlySpan<byte> videoTagData) =>
        TryParseVideo(videoTagData, out var tag) ? tag.Codec : FlvVideoCodec.Unknown;

    public static FlvAudioCodec AudioCodec(ReadOnlySpan<byte> audioTagData) =>
        TryParseAudio(audioTagData, out var tag) ? tag.Codec : FlvAudioCodec.Unknown;

    /// <summary>A video keyframe carrying coded pictures (not a sequence header): a GOP starts here.</summary>
    public static bool IsVideoKeyframe(in FlvMediaSample sample) =>
        sample.IsVideo
        && TryParseVideo(sample.Data.Span, out var tag)
        && tag.IsKeyframe
        && tag.Kind == FlvVideoPacketKind.CodedFrames;

    /// <summary>The FLV frame type says keyframe; true for sequence headers too.</summary>
    public static bool IsKeyframe(ReadOnlySpan<byte> videoTagData) =>
        TryParseVideo(videoTagData, out var tag) && tag.IsKeyframe;

    /// <summary>An AVC/HEVC decoder configuration record or an AAC AudioSpecificConfig.</summary>
    public static bool IsSequenceHeader(in FlvMediaSample sample)
    {
        var data = sample.Data.Span;
        if (sample.IsVideo)
        {
            return TryParseVideo(data, out var video) && video.Kind == FlvVideoPacketKind.SequenceHeader;
        }
        return sample.IsAudio && TryParseAudio(data, out var audio) && audio.Kind == FlvAudioPacketKind.SequenceHeader;
    }

    /// <summary>Composition time offset (PTS - DTS) in milliseconds; 0 when the tag carries none.</summary>
    public static int CompositionTime(ReadOnlySpan<byte> videoTagData) =>
        TryParseVideo(videoTagData, out var tag) ? tag.CompositionTime : 0;

    private static bool TryParseEnhancedVideo(ReadOnlySpan<byte> data, out FlvVideoTag tag)
    {
        var packetType = data[0] & 0x0F;
        var frameType = (byte)((data[0] >> 4) & 0x07);
        var fourCc = BinaryPrimitives.ReadUInt32BigEndian(data[1..]);
        var codec = fourCc == FourCcAvc1 ? FlvVideoCodec.Avc : fourCc == FourCcHvc1 ? FlvVideoCodec.Hevc : FlvVideoCodec.Unknown;
        var body = data[5..];
        var cts = 0;
        var kind = FlvVideoPacketKind.Other;
        switch (packetType)
        {
            case 0:
                kind = FlvVideoPacketKind.SequenceHeader;
                break;
            case 1:
                // CodedFrames carries a composition time; CodedFramesX (3) implies zero.
                if (body.Length < 3)
                {
                    tag = default;
                    return false;
                }
                kind = FlvVideoPacketKind.CodedFrames;
                cts = ReadSigned24(body);
                body = body[3..];
                break;
            case 2:
                kind = FlvVideoPacketKind.EndOfSequence;
                break;
            case 3:
                kind = FlvVideoPacketKind.CodedFrames;
                break;
        }
        if (frameType == 5)
        {
            kind = FlvVideoPacketKind.Other;
        }
        tag = new FlvVideoTag(codec, kind, frameType, cts, body);
        return true;
    }

    private static int ReadSigned24(ReadOnlySpan<byte> b) => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8)) >> 8;
}
