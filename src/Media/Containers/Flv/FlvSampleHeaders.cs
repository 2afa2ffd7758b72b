using OrleansLive.Media.Codecs;
using OrleansLive.Media.Samples;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>
/// The one parser of FLV audio and video tag headers (legacy and Enhanced RTMP) into the
/// codec-neutral <see cref="SampleHeader"/>. Runs once per frame where it enters the server; every
/// muxer and recorder then works from the header and the codec bitstream behind it.
/// </summary>
public static class FlvSampleHeaders
{
    /// <summary>Tag types of FLV and RTMP messages.</summary>
    public const byte AudioTag = 8;
    public const byte VideoTag = 9;
    public const byte ScriptTag = 18;

    /// <summary>Reads the header of a tag body; never fails: what it cannot place is <see cref="SamplePart.Other"/>.</summary>
    public static SampleHeader Read(byte tagType, ReadOnlySpan<byte> data) => tagType switch
    {
        VideoTag => ReadVideo(data),
        AudioTag => ReadAudio(data),
        _ => SampleHeader.Script,
    };

    /// <summary>The sample behind a tag body: header plus codec bitstream, decode time in milliseconds.</summary>
    public static MediaSample ToSample(byte tagType, long timestamp, ReadOnlyMemory<byte> data)
    {
        var header = Read(tagType, data.Span);
        return new MediaSample(header, timestamp, data[header.BodyOffset..]);
    }

    public static MediaSample ToSample(this FlvMediaSample sample) => ToSample(sample.TagType, sample.Timestamp, sample.Data);

    public static SampleHeader ReadVideo(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return Video(VideoCodecId.Unknown, SamplePart.Other, false, 0, 0);
        }
        var frameType = FlvVideo.FrameType(data);
        var key = frameType == FlvVideo.FrameKey;
        if (FlvVideo.IsExHeader(data))
        {
            var codec = FlvVideo.FourCC(data) switch
            {
                FlvFourCC.Avc1 => VideoCodecId.H264,
                FlvFourCC.Hvc1 => VideoCodecId.H265,
                FlvFourCC.Av01 => VideoCodecId.Av1,
                FlvFourCC.Vp09 => VideoCodecId.Vp9,
                FlvFourCC.Vp08 => VideoCodecId.Vp8,
                _ => VideoCodecId.Unknown,
            };
            if (data.Length < 5 || frameType == FlvVideo.FrameCommand)
            {
                return Video(codec, SamplePart.Other, key, 0, Math.Min(5, data.Length));
            }
            return FlvVideo.PacketType(data) switch
            {
                FlvVideo.PacketTypeSequenceStart => Video(codec, SamplePart.Config, key, 0, 5),
                // CodedFrames carries a composition time; CodedFramesX implies zero.
                FlvVideo.PacketTypeCodedFrames when data.Length >= 8 => Video(codec, SamplePart.Frame, key, ReadSigned24(data[5..]), 8),
                FlvVideo.PacketTypeCodedFramesX => Video(codec, SamplePart.Frame, key, 0, 5),
                FlvVideo.PacketTypeSequenceEnd => Video(codec, SamplePart.EndOfSequence, key, 0, 5),
                _ => Video(codec, SamplePart.Other, key, 0, 5),
            };
        }
        var legacy = FlvVideo.CodecId(data) switch
        {
            FlvVideo.CodecAvc => VideoCodecId.H264,
            FlvVideo.CodecHevc => VideoCodecId.H265,
            _ => VideoCodecId.Unknown,
        };
        if (frameType == FlvVideo.FrameCommand)
        {
            return Video(legacy, SamplePart.Other, false, 0, 1);
        }
        if (legacy == VideoCodecId.Unknown)
        {
            // Other codecs pass through as opaque frames; keyframes still open GOPs.
            return Video(legacy, SamplePart.Frame, key, 0, 1);
        }
        if (data.Length < 2)
        {
            return Video(legacy, SamplePart.Other, key, 0, 1);
        }
        var offset = Math.Min(5, data.Length);
        return data[1] switch
        {
            // As SRS: a sequence header is a keyframe AVC/HEVC tag with packet type 0.
            FlvVideo.AvcSequenceHeader when key => Video(legacy, SamplePart.Config, key, 0, offset),
            FlvVideo.AvcNalu => Video(legacy, SamplePart.Frame, key, data.Length >= 5 ? ReadSigned24(data[2..]) : 0, offset),
            FlvVideo.AvcEndOfSequence => Video(legacy, SamplePart.EndOfSequence, key, 0, offset),
            _ => Video(legacy, SamplePart.Other, key, 0, offset),
        };
    }

    public static SampleHeader ReadAudio(ReadOnlySpan<byte> data)
    {
        switch (FlvAudio.SoundFormat(data))
        {
            case 0xFF:
                return Audio(AudioCodecId.Unknown, SamplePart.Other, 0);
            case FlvAudio.FormatAac:
                return data.Length < 2 ? Audio(AudioCodecId.Aac, SamplePart.Other, 1)
                    : Audio(AudioCodecId.Aac, PacketPart(data[1], FlvAudio.AacSequenceHeader, FlvAudio.AacRaw), 2);
            case FlvAudio.FormatMp3:
            case FlvAudio.FormatMp3At8k:
                return Audio(AudioCodecId.Mp3, SamplePart.Frame, 1);
            case FlvAudio.FormatG711ALaw:
                return Audio(AudioCodecId.G711A, SamplePart.Frame, 1);
            case FlvAudio.FormatG711MuLaw:
                return Audio(AudioCodecId.G711U, SamplePart.Frame, 1);
            case FlvAudio.FormatExHeader:
                if (data.Length < 5)
                {
                    return Audio(AudioCodecId.Unknown, SamplePart.Other, data.Length);
                }
                // Enhanced RTMP: packet type in the low nibble, then the FourCC; the body follows.
                var codec = FlvAudio.FourCC(data) switch
                {
                    FlvFourCC.Mp4a => AudioCodecId.Aac,
                    FlvFourCC.Mp3 => AudioCodecId.Mp3,
                    FlvFourCC.Opus => AudioCodecId.Opus,
                    _ => AudioCodecId.Unknown,
                };
                var part = (data[0] & 0x0F) switch
                {
                    FlvAudio.PacketTypeSequenceStart => SamplePart.Config,
                    FlvAudio.PacketTypeCodedFrames => SamplePart.Frame,
                    FlvAudio.PacketTypeSequenceEnd => SamplePart.EndOfSequence,
                    _ => SamplePart.Other,
                };
                return Audio(codec, part, 5);
            default:
                return Audio(AudioCodecId.Unknown, SamplePart.Frame, 1);
        }
    }

    private static SamplePart PacketPart(byte packetType, byte config, byte frame) =>
        packetType == config ? SamplePart.Config : packetType == frame ? SamplePart.Frame : SamplePart.Other;

    private static SampleHeader Video(VideoCodecId codec, SamplePart part, bool key, int cts, int offset) =>
        new(MediaKind.Video, codec, AudioCodecId.Unknown, part, key, cts, offset);

    private static SampleHeader Audio(AudioCodecId codec, SamplePart part, int offset) =>
        new(MediaKind.Audio, VideoCodecId.Unknown, codec, part, false, 0, offset);

    private static int ReadSigned24(ReadOnlySpan<byte> b) => ((b[0] << 24) | (b[1] << 16) | (b[2] << 8)) >> 8;
}
