using System.Buffers.Binary;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Samples;

namespace OrleansLive.Media.Containers.Flv;

/// <summary>
/// The FLV/RTMP tag body of a sample: the inverse of <see cref="FlvSampleHeaders"/>, for ingest from
/// other containers (MPEG-TS over SRT, PS) into the hub's FLV-shaped frames. H.264 and AAC use the
/// legacy headers every RTMP player reads; HEVC, AV1, VP8, VP9 and Opus use Enhanced RTMP (FourCC) headers, as
/// SRS 6 sends them; MP3 and G.711 their legacy sound formats.
/// </summary>
public static class FlvSampleWriter
{
    /// <summary>Bytes of the tag header in front of the sample's data; 0 when FLV cannot carry the sample.</summary>
    public static int HeaderSize(in SampleHeader header) => header.Kind switch
    {
        MediaKind.Video => header.VideoCodec switch
        {
            VideoCodecId.H264 => 5,
            VideoCodecId.H265 or VideoCodecId.Av1 or VideoCodecId.Vp9 or VideoCodecId.Vp8 => header.IsConfig || header.CompositionTime == 0 ? 5 : 8,
            _ => 0,
        },
        MediaKind.Audio => header.AudioCodec switch
        {
            AudioCodecId.Aac => 2,
            AudioCodecId.Mp3 or AudioCodecId.G711A or AudioCodecId.G711U => 1,
            AudioCodecId.Opus => 5,
            _ => 0,
        },
        _ => 0,
    };

    /// <summary>Writes the tag header for <paramref name="header"/> at the start of <paramref name="destination"/>
    /// (which holds at least <see cref="HeaderSize"/> bytes); returns its size, 0 for samples FLV cannot carry.</summary>
    public static int WriteHeader(Span<byte> destination, in SampleHeader header)
    {
        var size = HeaderSize(header);
        if (size == 0)
        {
            return 0;
        }
        if (header.IsVideo)
        {
            WriteVideoHeader(destination[..size], header);
        }
        else
        {
            WriteAudioHeader(destination[..size], header);
        }
        return size;
    }

    private static void WriteVideoHeader(Span<byte> d, in SampleHeader header)
    {
        var frameType = header.Keyframe || header.IsConfig ? FlvVideo.FrameKey : FlvVideo.FrameInter;
        if (header.VideoCodec == VideoCodecId.H264)
        {
            d[0] = (byte)((frameType << 4) | FlvVideo.CodecAvc);
            d[1] = header.IsConfig ? FlvVideo.AvcSequenceHeader : header.Part == SamplePart.EndOfSequence ? FlvVideo.AvcEndOfSequence : FlvVideo.AvcNalu;
            WriteSigned24(d[2..], header.IsConfig ? 0 : header.CompositionTime);
            return;
        }
        var packetType = header.IsConfig ? FlvVideo.PacketTypeSequenceStart
            : header.Part == SamplePart.EndOfSequence ? FlvVideo.PacketTypeSequenceEnd
            : d.Length == 8 ? FlvVideo.PacketTypeCodedFrames : FlvVideo.PacketTypeCodedFramesX;
        d[0] = (byte)(0x80 | (frameType << 4) | packetType);
        BinaryPrimitives.WriteUInt32BigEndian(d[1..], header.VideoCodec switch
        {
            VideoCodecId.H265 => FlvFourCC.Hvc1,
            VideoCodecId.Av1 => FlvFourCC.Av01,
            VideoCodecId.Vp8 => FlvFourCC.Vp08,
            _ => FlvFourCC.Vp09,
        });
        if (d.Length == 8)
        {
            WriteSigned24(d[5..], header.CompositionTime);
        }
    }

    private static void WriteAudioHeader(Span<byte> d, in SampleHeader header)
    {
        switch (header.AudioCodec)
        {
            case AudioCodecId.Aac:
                // Sound flags are fixed for AAC (44 kHz, 16-bit, stereo); the AudioSpecificConfig rules.
                d[0] = (FlvAudio.FormatAac << 4) | 0x0F;
                d[1] = header.IsConfig ? FlvAudio.AacSequenceHeader : FlvAudio.AacRaw;
                break;
            case AudioCodecId.Mp3:
                d[0] = (FlvAudio.FormatMp3 << 4) | 0x0F;
                break;
            case AudioCodecId.G711A:
                d[0] = (FlvAudio.FormatG711ALaw << 4) | 0x06; // 8 kHz is signalled as the 5.5 kHz rate, 16-bit, mono
                break;
            case AudioCodecId.G711U:
                d[0] = (FlvAudio.FormatG711MuLaw << 4) | 0x06;
                break;
            case AudioCodecId.Opus:
                d[0] = (byte)((FlvAudio.FormatExHeader << 4) | (header.IsConfig ? FlvAudio.PacketTypeSequenceStart : FlvAudio.PacketTypeCodedFrames));
                BinaryPrimitives.WriteUInt32BigEndian(d[1..], FlvFourCC.Opus);
                break;
        }
    }

    private static void WriteSigned24(Span<byte> d, int value)
    {
        d[0] = (byte)(value >> 16);
        d[1] = (byte)(value >> 8);
        d[2] = (byte)value;
    }
}
