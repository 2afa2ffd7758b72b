using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>
/// FLV tag bodies parsed for the muxers: codec, packet kind, keyframe, composition time and the
/// coded payload. Header fields are read through <see cref="FlvVideo"/> and <see cref="FlvAudio"/>,
/// which the RTMP side uses too.
/// </summary>
public static class FlvSampleInfo
{
    public static bool TryParseVideo(ReadOnlySpan<byte> data, out FlvVideoTag tag)
    {
        tag = default;
        if (data.Length < 5)
        {
            return false;
        }
        if (FlvVideo.IsExHeader(data))
        {
            return TryParseEnhancedVideo(data, out tag);
        }
        var codec = FlvVideo.CodecId(data) switch
        {
            FlvVideo.CodecAvc => VideoCodecId.H264,
            FlvVideo.CodecHevc => VideoCodecId.H265,
            _ => VideoCodecId.Unknown,
        };
        var frameType = FlvVideo.FrameType(data);
        var kind = data[1] switch
        {
            FlvVideo.AvcSequenceHeader => FlvVideoPacketKind.SequenceHeader,
            FlvVideo.AvcNalu => FlvVideoPacketKind.CodedFrames,
            FlvVideo.AvcEndOfSequence => FlvVideoPacketKind.EndOfSequence,
            _ => FlvVideoPacketKind.Other,
        };
        if (frameType == FlvVideo.FrameCommand)
        {
            kind = FlvVideoPacketKind.Other;
        }
        tag = new FlvVideoTag(codec, kind, frameType, ReadSigned24(data[2..]), data[5..]);
        return true;
    }

    public static bool TryParseAudio(ReadOnlySpan<byte> data, out FlvAudioTag tag)
    {
        tag = default;
        switch (FlvAudio.SoundFormat(data))
        {
            case 0xFF:
                return false;
            case FlvAudio.FormatAac:
                if (data.Length < 2)
                {
                    return false;
                }
                tag = new FlvAudioTag(AudioCodecId.Aac, PacketKind(data[1], FlvAudio.AacSequenceHeader, FlvAudio.AacRaw), data[2..]);
                return true;
            case FlvAudio.FormatMp3:
            case FlvAudio.FormatMp3At8k:
                tag = new FlvAudioTag(AudioCodecId.Mp3, FlvAudioPacketKind.RawFrame, data[1..]);
                return true;
            case FlvAudio.FormatExHeader when data.Length >= 5:
                // Enhanced RTMP: packet type in the low nibble, then the FourCC; the body follows.
                var codec = FlvAudio.FourCC(data) switch
                {
                    FlvFourCC.Mp4a => AudioCodecId.Aac,
                    FlvFourCC.Mp3 => AudioCodecId.Mp3,
                    _ => AudioCodecId.Unknown,
                };
                var kind = codec == AudioCodecId.Unknown
                    ? FlvAudioPacketKind.Other
                    : PacketKind((byte)(data[0] & 0x0F), FlvAudio.PacketTypeSequenceStart, FlvAudio.PacketTypeCodedFrames);
                tag = new FlvAudioTag(codec, kind, data[5..]);
                return true;
            default:
                tag = new FlvAudioTag(AudioCodecId.Unknown, FlvAudioPacketKind.Other, data[1..]);
                return true;
        }
    }

    public static VideoCodecId VideoCodec(ReadOnlySpan<byte> videoTagData) =>
        TryParseVideo(videoTagData, out var tag) ? tag.Codec : VideoCodecId.Unknown;

    public static AudioCodecId AudioCodec(ReadOnlySpan<byte> audioTagData) =>
        TryParseAudio(audioTagData, out var tag) ? tag.Codec : AudioCodecId.Unknown;

    /// <summary>A video keyframe carrying coded pictures (not a sequence header): a GOP starts here.</summary>
    public static bool IsVideoKeyframe(in FlvMediaSample sample) =>
        sample.IsVideo
        && TryParseVideo(sample.Data.Span, out var tag)
        && tag.IsKeyframe
        && tag.Kind == FlvVideoPacketKind.CodedFrames;

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

    private static FlvAudioPacketKind PacketKind(byte packetType, byte sequenceHeader, byte raw) =>
        packetType == sequenceHeader ? FlvAudioPacketKind.SequenceHeader
        : packetType == raw ? FlvAudioPacketKind.RawFrame
        : FlvAudioPacketKind.Other;

    private static bool TryParseEnhancedVideo(ReadOnlySpan<byte> data, out FlvVideoTag tag)
    {
        var frameType = FlvVideo.FrameType(data);
        var codec = FlvVideo.FourCC(data) switch
        {
            FlvFourCC.Avc1 => VideoCodecId.H264,
            FlvFourCC.Hvc1 => VideoCodecId.H265,
            _ => VideoCodecId.Unknown,
        };
        var body = data[5..];
        var cts = 0;
        var kind = FlvVideoPacketKind.Other;
        switch (FlvVideo.PacketType(data))
        {
            case FlvVideo.PacketTypeSequenceStart:
                kind = FlvVideoPacketKind.SequenceHeader;
                break;
            case FlvVideo.PacketTypeCodedFrames:
                // CodedFrames carries a composition time; CodedFramesX implies zero.
                if (body.Length < 3)
                {
                    tag = default;
                    return false;
                }
                kind = FlvVideoPacketKind.CodedFrames;
                cts = ReadSigned24(body);
                body = body[3..];
                break;
            case FlvVideo.PacketTypeSequenceEnd:
                kind = FlvVideoPacketKind.EndOfSequence;
                break;
            case FlvVideo.PacketTypeCodedFramesX:
                kind = FlvVideoPacketKind.CodedFrames;
                break;
        }
        if (frameType == FlvVideo.FrameCommand)
        {
            kind = FlvVideoPacketKind.Other;
        }
        tag = new FlvVideoTag(codec, kind, frameType, cts, body);
        return true;
    }

    private static int ReadSigned24(ReadOnlySpan<byte> b) => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8)) >> 8;
}
