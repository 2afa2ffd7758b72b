namespace OrleansLive.Media.Codecs;

/// <summary>
/// G.711 (ITU-T G.711): 8 kHz mono telephony audio, one byte per sample, A-law (PCMA) or µ-law
/// (PCMU). Table-driven conversion to and from 16-bit linear PCM, for transcoding and checks.
/// </summary>
public static class G711
{
    public const int SampleRate = 8000;
    public const int Channels = 1;

    private const int MuLawBias = 0x84;
    private const int MuLawClip = 8159;

    private static readonly short[] ALawToLinear = BuildDecodeTable(DecodeALawSlow);
    private static readonly short[] MuLawToLinear = BuildDecodeTable(DecodeMuLawSlow);

    // Indexed by the sample's top 13 (A-law) or 14 (µ-law) bits: the codes' resolution.
    private static readonly byte[] LinearToALaw = BuildEncodeTable(13, EncodeALawSlow);
    private static readonly byte[] LinearToMuLaw = BuildEncodeTable(14, EncodeMuLawSlow);

    public static bool IsG711(AudioCodecId codec) => codec is AudioCodecId.G711A or AudioCodecId.G711U;

    public static AudioFacts Facts(AudioCodecId codec) => new(codec == AudioCodecId.G711U ? "PCMU" : "PCMA", SampleRate, Channels, "Other");

    /// <summary>Duration in 90 kHz ticks of <paramref name="bytes"/> G.711 bytes (one byte per sample).</summary>
    public static long Duration90k(int bytes) => bytes * 90000L / SampleRate;

    public static short DecodeALaw(byte code) => ALawToLinear[code];

    public static short DecodeMuLaw(byte code) => MuLawToLinear[code];

    public static byte EncodeALaw(short sample) => LinearToALaw[(sample >> 3) + 4096];

    public static byte EncodeMuLaw(short sample) => LinearToMuLaw[(sample >> 2) + 8192];

    /// <summary>Decodes codes into 16-bit samples; <paramref name="pcm"/> must hold one per code.</summary>
    public static void Decode(AudioCodecId codec, ReadOnlySpan<byte> codes, Span<short> pcm)
    {
        var table = codec == AudioCodecId.G711U ? MuLawToLinear : ALawToLinear;
        for (var i = 0; i < codes.Length; i++)
        {
            pcm[i] = table[codes[i]];
        }
    }

    /// <summary>Encodes 16-bit samples; <paramref name="codes"/> must hold one per sample.</summary>
    public static void Encode(AudioCodecId codec, ReadOnlySpan<short> pcm, Span<byte> codes)
    {
        var mu = codec == AudioCodecId.G711U;
        for (var i = 0; i < pcm.Length; i++)
        {
            codes[i] = mu ? EncodeMuLaw(pcm[i]) : EncodeALaw(pcm[i]);
        }
    }

    private static short[] BuildDecodeTable(Func<byte, short> decode)
    {
        var table = new short[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = decode((byte)i);
        }

        return table;
    }

    private static byte[] BuildEncodeTable(int bits, Func<int, byte> encode)
    {
        var table = new byte[1 << bits];
        var half = 1 << (bits - 1);
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = encode(i - half);
        }

        return table;
    }

    // The segment (exponent) of a magnitude: how many times it can be halved above the first segment's top.
    private static int Segment(int magnitude, int firstSegmentTop)
    {
        var segment = 0;
        for (var top = firstSegmentTop; magnitude > top && segment < 8; top = (top << 1) | 1)
        {
            segment++;
        }

        return segment;
    }

    // A-law on a 13-bit sample: sign, 3-bit segment, 4-bit mantissa, even bits inverted (xor 0x55).
    private static byte EncodeALawSlow(int sample13)
    {
        int mask;
        if (sample13 >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            sample13 = -sample13 - 1;
        }

        var segment = Segment(sample13, 0x1F);
        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }

        var mantissa = segment < 2 ? (sample13 >> 1) & 0x0F : (sample13 >> segment) & 0x0F;
        return (byte)(((segment << 4) | mantissa) ^ mask);
    }

    private static short DecodeALawSlow(byte code)
    {
        var a = code ^ 0x55;
        var t = (a & 0x0F) << 4;
        var segment = (a & 0x70) >> 4;
        t = segment switch
        {
            0 => t + 8,
            1 => t + 0x108,
            _ => (t + 0x108) << (segment - 1),
        };
        return (short)((a & 0x80) != 0 ? t : -t);
    }

    // µ-law on a 14-bit sample: biased magnitude, 3-bit segment, 4-bit mantissa, all bits inverted.
    private static byte EncodeMuLawSlow(int sample14)
    {
        int mask;
        if (sample14 < 0)
        {
            sample14 = -sample14;
            mask = 0x7F;
        }
        else
        {
            mask = 0xFF;
        }

        sample14 = Math.Min(sample14, MuLawClip) + (MuLawBias >> 2);
        var segment = Segment(sample14, 0x3F);
        if (segment >= 8)
        {
            return (byte)(0x7F ^ mask);
        }

        return (byte)(((segment << 4) | ((sample14 >> (segment + 1)) & 0x0F)) ^ mask);
    }

    private static short DecodeMuLawSlow(byte code)
    {
        var u = ~code & 0xFF;
        var t = (((u & 0x0F) << 3) + MuLawBias) << ((u & 0x70) >> 4);
        return (short)((u & 0x80) != 0 ? MuLawBias - t : t - MuLawBias);
    }
}
