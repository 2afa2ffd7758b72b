namespace OrleansLive.Media.Codecs;

/// <summary>H.264/HEVC NAL unit helpers: the header's type field and what each type means to a
/// muxer (keyframe, parameter set, delimiter), so demuxers and muxers agree on one reading.</summary>
public static class NalUnit
{
    /// <summary>Largest parameter set we decode or keep; real SPS are well under this.</summary>
    public const int MaxParameterSetSize = 4096;

    public const int AvcSlice = 1;
    public const int AvcIdr = 5;
    public const int AvcSei = 6;
    public const int AvcSps = 7;
    public const int AvcPps = 8;
    public const int AvcAud = 9;
    public const int AvcEndOfSequence = 10;
    public const int AvcEndOfStream = 11;
    public const int AvcFiller = 12;

    public const int HevcBlaWLp = 16;
    public const int HevcCraNut = 21;
    public const int HevcVps = 32;
    public const int HevcSps = 33;
    public const int HevcPps = 34;
    public const int HevcAud = 35;
    public const int HevcEndOfSequence = 36;
    public const int HevcEndOfBitstream = 37;
    public const int HevcFiller = 38;
    public const int HevcPrefixSei = 39;

    /// <summary>
    /// A picture no other picture predicts from: an H.264 slice with nal_ref_idc 0, an HEVC sub-layer
    /// non-reference picture (the even VCL types below 16: TRAIL_N, TSA_N, STSA_N, RADL_N, RASL_N…).
    /// Dropping it leaves the stream decodable, which is how B-frames are kept from WebRTC players.
    /// </summary>
    public static bool IsDisposable(VideoCodecId codec, ReadOnlySpan<byte> nal)
    {
        var type = Type(codec, nal);
        return codec == VideoCodecId.H265 ? type is >= 0 and < 16 && type % 2 == 0 : type == AvcSlice && (nal[0] & 0x60) == 0;
    }

    /// <summary>nal_unit_type: 5 bits of H.264's one-byte header, 6 bits of HEVC's two-byte header; -1 if empty.</summary>
    public static int Type(VideoCodecId codec, ReadOnlySpan<byte> nal)
    {
        if (nal.IsEmpty)
        {
            return -1;
        }

        return codec == VideoCodecId.H265 ? (nal[0] >> 1) & 0x3F : nal[0] & 0x1F;
    }

    /// <summary>A picture a decoder can start from: H.264 IDR, HEVC IRAP (BLA, IDR, CRA: types 16-23).</summary>
    public static bool IsKeyframe(VideoCodecId codec, ReadOnlySpan<byte> nal)
    {
        var type = Type(codec, nal);
        return codec == VideoCodecId.H265 ? type is >= HevcBlaWLp and <= 23 : type == AvcIdr;
    }

    /// <summary>SPS or PPS, and for HEVC also VPS: what a decoder configuration record carries.</summary>
    public static bool IsParameterSet(VideoCodecId codec, ReadOnlySpan<byte> nal)
    {
        var type = Type(codec, nal);
        return codec == VideoCodecId.H265 ? type is HevcVps or HevcSps or HevcPps : type is AvcSps or AvcPps;
    }

    /// <summary>Coded slice data (VCL): H.264 types 1-5, HEVC types 0-31.</summary>
    public static bool IsVcl(VideoCodecId codec, ReadOnlySpan<byte> nal)
    {
        var type = Type(codec, nal);
        return codec == VideoCodecId.H265 ? type is >= 0 and <= 31 : type is >= AvcSlice and <= AvcIdr;
    }

    /// <summary>
    /// Framing the length-prefixed (AVCC/HVCC) form carries elsewhere or not at all: access unit
    /// delimiters, end of sequence/stream and filler data.
    /// </summary>
    public static bool IsFraming(VideoCodecId codec, ReadOnlySpan<byte> nal)
    {
        var type = Type(codec, nal);
        return codec == VideoCodecId.H265
            ? type is HevcAud or HevcEndOfSequence or HevcEndOfBitstream or HevcFiller
            : type is AvcAud or AvcEndOfSequence or AvcEndOfStream or AvcFiller;
    }

    /// <summary>
    /// True for a NAL unit that can only be the first of an access unit (ITU-T H.264 7.4.1.2.3,
    /// H.265 7.4.2.4.4): a delimiter, parameter set or prefix SEI, or the first slice of a picture
    /// (first_mb_in_slice 0 / first_slice_segment_in_pic_flag 1). Streams that split access units
    /// across packets (MPEG-PS) are cut into frames here.
    /// </summary>
    public static bool StartsAccessUnit(VideoCodecId codec, ReadOnlySpan<byte> nal)
    {
        var type = Type(codec, nal);
        if (codec == VideoCodecId.H265)
        {
            return type is HevcAud or HevcVps or HevcSps or HevcPps or HevcPrefixSei
                || (type is >= 0 and <= 31 && nal.Length > 2 && (nal[2] & 0x80) != 0);
        }

        // first_mb_in_slice is ue(v): 0 is the single bit '1'.
        return type is AvcAud or AvcSps or AvcPps or AvcSei
            || (type is >= AvcSlice and <= AvcIdr && nal.Length > 1 && (nal[1] & 0x80) != 0);
    }

    /// <summary>Copies a NAL unit without its emulation prevention bytes (the 0x03 of each
    /// 0x00 0x00 0x03), giving the raw bit stream; returns the length written.</summary>
    public static int Unescape(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        var written = 0;
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 0x03)
            {
                zeros = 0;
                continue;
            }

            zeros = b == 0 ? zeros + 1 : 0;
            rbsp[written++] = b;
        }

        return written;
    }
}
