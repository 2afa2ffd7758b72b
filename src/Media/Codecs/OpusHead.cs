using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// The Opus identification header (RFC 7845 5.1): the decoder configuration of an Opus track in
/// Ogg, MP4 (dOps holds the same fields), Enhanced RTMP and WebM. Opus always decodes at 48 kHz;
/// <see cref="InputSampleRate"/> only says what the encoder was fed.
/// </summary>
public sealed record OpusHead(int Channels, int PreSkip, uint InputSampleRate, short OutputGain, int MappingFamily, int StreamCount, int CoupledCount, byte[] ChannelMapping)
{
    public const int SampleRate = 48000;

    private const int FixedSize = 19;

    // Vorbis channel order for mapping family 1 (RFC 7845 5.1.1.2): streams, coupled streams, mapping.
    private static readonly (int Streams, int Coupled, byte[] Mapping)[] VorbisLayouts =
    [
        (1, 0, [0]),
        (1, 1, [0, 1]),
        (2, 1, [0, 2, 1]),
        (2, 2, [0, 1, 2, 3]),
        (3, 2, [0, 4, 1, 2, 3]),
        (4, 2, [0, 4, 1, 2, 3, 5]),
        (4, 3, [0, 4, 1, 2, 3, 5, 6]),
        (5, 3, [0, 6, 1, 2, 3, 4, 5, 7]),
    ];

    public AudioFacts Facts => new("Opus", SampleRate, Channels, "Other");

    /// <summary>A header for 1 to 8 channels in the default layouts (family 0 for mono and stereo,
    /// family 1 above): what a container that only signals a channel count (MPEG-TS) implies.</summary>
    public static OpusHead ForChannels(int channels, int preSkip = 0)
    {
        channels = Math.Clamp(channels, 1, 8);
        var (streams, coupled, mapping) = VorbisLayouts[channels - 1];
        return channels <= 2
            ? new OpusHead(channels, preSkip, SampleRate, 0, 0, streams, coupled, [])
            : new OpusHead(channels, preSkip, SampleRate, 0, 1, streams, coupled, mapping);
    }

    /// <summary>Parses "OpusHead", version 0.x, channel count, pre-skip, input rate, gain and the
    /// mapping table (present for families other than 0). False for anything malformed.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out OpusHead? head)
    {
        head = null;
        if (data.Length < FixedSize || !data.StartsWith("OpusHead"u8) || (data[8] & 0xF0) != 0 || data[9] == 0)
        {
            return false;
        }

        int channels = data[9];
        var family = data[18];
        if (family == 0)
        {
            if (channels > 2)
            {
                return false;
            }

            head = new OpusHead(channels, BinaryPrimitives.ReadUInt16LittleEndian(data[10..]), BinaryPrimitives.ReadUInt32LittleEndian(data[12..]),
                BinaryPrimitives.ReadInt16LittleEndian(data[16..]), 0, 1, channels - 1, []);
            return true;
        }

        if (data.Length < FixedSize + 2 + channels)
        {
            return false;
        }

        int streams = data[19];
        int coupled = data[20];
        if (streams == 0 || coupled > streams || streams + coupled > 255)
        {
            return false;
        }

        var mapping = data.Slice(21, channels).ToArray();
        foreach (var m in mapping)
        {
            if (m != 255 && m >= streams + coupled)
            {
                return false;
            }
        }

        head = new OpusHead(channels, BinaryPrimitives.ReadUInt16LittleEndian(data[10..]), BinaryPrimitives.ReadUInt32LittleEndian(data[12..]),
            BinaryPrimitives.ReadInt16LittleEndian(data[16..]), family, streams, coupled, mapping);
        return true;
    }

    /// <summary>Writes the header, version 1; family 0 writes no mapping table.</summary>
    public byte[] ToBytes()
    {
        var table = MappingFamily == 0 ? 0 : 2 + ChannelMapping.Length;
        var data = new byte[FixedSize + table];
        "OpusHead"u8.CopyTo(data);
        data[8] = 1;
        data[9] = (byte)Channels;
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(10), (ushort)PreSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), InputSampleRate);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(16), OutputGain);
        data[18] = (byte)MappingFamily;
        if (table > 0)
        {
            data[19] = (byte)StreamCount;
            data[20] = (byte)CoupledCount;
            ChannelMapping.CopyTo(data, 21);
        }

        return data;
    }

    /// <summary>48 kHz samples in one frame of the configuration the TOC byte names (RFC 6716 3.1):
    /// SILK 10/20/40/60 ms, hybrid 10/20 ms, CELT 2.5/5/10/20 ms.</summary>
    public static int FrameSamples(byte toc)
    {
        var config = toc >> 3;
        return config switch
        {
            < 12 => (config & 3) switch { 0 => 480, 1 => 960, 2 => 1920, _ => 2880 },
            < 16 => (config & 1) == 0 ? 480 : 960,
            _ => 120 << (config & 3),
        };
    }

    /// <summary>48 kHz samples a whole packet decodes to: frame size times the frame count its TOC code
    /// gives (1; 2; 2; or M from the next byte). 0 when the packet is empty, malformed or over 120 ms.</summary>
    public static int PacketSamples(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return 0;
        }

        var frames = (packet[0] & 0x03) switch
        {
            0 => 1,
            1 or 2 => 2,
            _ => packet.Length >= 2 ? packet[1] & 0x3F : 0,
        };
        var samples = frames * FrameSamples(packet[0]);
        return samples <= 5760 ? samples : 0;
    }
}
