using System.Buffers.Binary;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers;

/// <summary>PMT/PSM stream_type values (ISO/IEC 13818-1 table 2-34) and what they carry.</summary>
public static class StreamTypes
{
    public const byte Mp3 = 0x03;
    public const byte Mpeg2Audio = 0x04;

    /// <summary>PES private data: the codec is named by a registration descriptor (Opus, AV1).</summary>
    public const byte PrivateData = 0x06;

    public const byte Aac = 0x0F;
    public const byte H264 = 0x1B;
    public const byte Hevc = 0x24;

    private const byte RegistrationDescriptor = 0x05;
    private const byte ExtensionDescriptor = 0x7F;
    private const byte OpusExtensionTag = 0x80;
    private const uint OpusId = 0x4F707573; // "Opus"
    private const uint Av1Id = 0x41563031; // "AV01"

    /// <summary>
    /// The codec of an elementary stream from its stream_type and ES descriptors: H.264, HEVC, AAC in
    /// ADTS, MPEG audio (treated as MP3), and private data registered as "Opus" (the Opus-in-TS
    /// mapping, channel count from its extension descriptor) or "AV01" (AOM's AV1-in-TS mapping). Anything else is <see cref="ElementaryCodec.None"/>.
    /// </summary>
    public static ElementaryCodec Classify(byte streamType, ReadOnlySpan<byte> descriptors)
    {
        switch (streamType)
        {
            case H264:
                return ElementaryCodec.ForVideo(VideoCodecId.H264);
            case Hevc:
                return ElementaryCodec.ForVideo(VideoCodecId.H265);
            case Aac:
                return ElementaryCodec.ForAudio(AudioCodecId.Aac);
            case Mp3 or Mpeg2Audio:
                return ElementaryCodec.ForAudio(AudioCodecId.Mp3);
            case PrivateData:
                break;
            default:
                return ElementaryCodec.None;
        }

        uint registration = 0;
        var opusChannels = 0;
        while (descriptors.Length >= 2)
        {
            var tag = descriptors[0];
            var length = descriptors[1];
            if (2 + length > descriptors.Length)
            {
                break;
            }

            var body = descriptors.Slice(2, length);
            if (tag == RegistrationDescriptor && body.Length >= 4)
            {
                registration = BinaryPrimitives.ReadUInt32BigEndian(body);
            }
            else if (tag == ExtensionDescriptor && body.Length >= 2 && body[0] == OpusExtensionTag)
            {
                // channel_config_code: 1-8 channels in the default layouts, 0 for dual mono.
                opusChannels = body[1] switch { 0 => 2, <= 8 => body[1], _ => 0 };
            }

            descriptors = descriptors[(2 + length)..];
        }

        return registration switch
        {
            OpusId => ElementaryCodec.ForAudio(AudioCodecId.Opus, opusChannels == 0 ? 2 : opusChannels),
            Av1Id => ElementaryCodec.ForVideo(VideoCodecId.Av1),
            _ => ElementaryCodec.None,
        };
    }
}
