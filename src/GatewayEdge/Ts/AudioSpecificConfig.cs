namespace OrleansLive.GatewayEdge.Ts;

/// <summary>
/// The fields of an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3) that ADTS and mp4a need.
/// HE-AAC (SBR/PS) configs report the core AAC object type and core sampling index, which is
/// what ADTS carries with implicit SBR signalling.
/// </summary>
public readonly record struct AudioSpecificConfig(int ObjectType, int SamplingIndex, int SampleRate, int ChannelConfig)
{
    public const int AdtsHeaderSize = 7;

    private static readonly int[] SampleRates =
        [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    public static bool TryParse(ReadOnlySpan<byte> asc, out AudioSpecificConfig config)
    {
        config = default;
        if (asc.Length < 2)
        {
            return false;
        }
        var bits = new BitCursor(asc);
        var objectType = ReadObjectType(ref bits);
        var index = bits.Read(4);
        var rate = index == 15 ? bits.Read(24) : index < SampleRates.Length ? SampleRates[index] : 0;
        var channels = bits.Read(4);
        if (objectType is 5 or 29)
        {
            // Explicit SBR/PS: the extension rate comes next, then the core object type.
            var extIndex = bits.Read(4);
            if (extIndex == 15)
            {
                bits.Read(24);
            }
            objectType = ReadObjectType(ref bits);
        }
        if (bits.Overrun || objectType == 0 || rate == 0)
        {
            return false;
        }
        config = new AudioSpecificConfig(objectType, index, rate, channels);
        return true;
    }

    /// <summary>Writes a 7-byte ADTS header (no CRC) for a raw frame of <paramref name="rawLength"/> bytes.</summary>
    public void WriteAdtsHeader(Span<byte> header, int rawLength)
    {
        var frameLength = rawLength + AdtsHeaderSize;
        // ADTS has two profile bits (object type - 1) and no escape for explicit rates.
        var profile = Math.Clamp(ObjectType - 1, 0, 3);
        var index = SamplingIndex < 13 ? SamplingIndex : 4;
        header[0] = 0xFF;
        header[1] = 0xF1; // MPEG-4, layer 0, no CRC
        header[2] = (byte)((profile << 6) | (index << 2) | ((ChannelConfig >> 2) & 0x01));
        header[3] = (byte)(((ChannelConfig & 0x03) << 6) | ((frameLength >> 11) & 0x03));
        header[4] = (byte)(frameLength >> 3);
        header[5] = (byte)(((frameLength & 0x07) << 5) | 0x1F); // buffer fullness 0x7FF: VBR
        header[6] = 0xFC; // rest of fullness, one raw data block
    }

    private static int ReadObjectType(ref BitCursor bits)
    {
        var type = bits.Read(5);
        return type == 31 ? 32 + bits.Read(6) : type;
    }

    /// <summary>MSB-first bit reader over a short span; reads past the end yield zeros and set Overrun.</summary>
    private ref struct BitCursor(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _bit;

        public bool Overrun { get; private set; }

        public int Read(int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++, _bit++)
            {
                var index = _bit >> 3;
                if (index >= _data.Length)
                {
                    Overrun = true;
                    value <<= 1;
                    continue;
                }
                value = (value << 1) | ((_data[index] >> (7 - (_bit & 7))) & 1);
            }
            return value;
        }
    }
}
