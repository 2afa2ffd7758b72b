using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// An AVCDecoderConfigurationRecord or HEVCDecoderConfigurationRecord (ISO/IEC 14496-15),
/// parsed once per sequence header: the NAL length size for AVCC/HVCC frames, the parameter
/// sets already in Annex B form for TS keyframes, and the first SPS for picture size.
/// </summary>
public sealed class VideoDecoderConfig
{
    private static readonly byte[] StartCode = [0, 0, 0, 1];

    private readonly Range _sps;

    private VideoDecoderConfig(VideoCodecId codec, byte[] record, int nalLengthSize, byte[] parameterSetsAnnexB, Range sps)
    {
        Codec = codec;
        Record = record;
        NalLengthSize = nalLengthSize;
        ParameterSetsAnnexB = parameterSetsAnnexB;
        _sps = sps;
    }

    public VideoCodecId Codec { get; }

    /// <summary>The record exactly as received: the body of an avcC or hvcC box.</summary>
    public byte[] Record { get; }

    /// <summary>Bytes in each NAL unit length prefix: 1, 2 or 4.</summary>
    public int NalLengthSize { get; }

    /// <summary>VPS/SPS/PPS (and any SEI in the record) each behind a 4-byte start code.</summary>
    public byte[] ParameterSetsAnnexB { get; }

    /// <summary>The first sequence parameter set NAL unit (with its header), empty if none.</summary>
    public ReadOnlySpan<byte> Sps => Record.AsSpan(_sps);

    public static bool TryParse(VideoCodecId codec, ReadOnlySpan<byte> record, [NotNullWhen(true)] out VideoDecoderConfig? config)
    {
        config = null;
        var copy = record.ToArray();
        var ok = codec switch
        {
            VideoCodecId.H264 => TryParseAvc(copy, out config),
            VideoCodecId.H265 => TryParseHevc(copy, out config),
            _ => false,
        };
        return ok;
    }

    private static bool TryParseAvc(byte[] record, out VideoDecoderConfig? config)
    {
        config = null;
        if (record.Length < 7 || record[0] != 1)
        {
            return false;
        }
        var lengthSize = (record[4] & 0x03) + 1;
        var annexB = new List<byte>(record.Length + 16);
        Range sps = default;
        var pos = 5;
        // SPS count sits in the low 5 bits, PPS count in a full byte after the SPS list.
        for (var list = 0; list < 2; list++)
        {
            if (pos >= record.Length)
            {
                return false;
            }
            var count = list == 0 ? record[pos] & 0x1F : record[pos];
            pos++;
            for (var i = 0; i < count; i++)
            {
                if (!TryTakeNal(record, ref pos, annexB, out var nal))
                {
                    return false;
                }
                if (list == 0 && sps.Equals(default(Range)))
                {
                    sps = nal;
                }
            }
        }
        if (lengthSize == 3)
        {
            return false;
        }
        config = new VideoDecoderConfig(VideoCodecId.H264, record, lengthSize, [.. annexB], sps);
        return true;
    }

    private static bool TryParseHevc(byte[] record, out VideoDecoderConfig? config)
    {
        config = null;
        if (record.Length < 23 || record[0] != 1)
        {
            return false;
        }
        var lengthSize = (record[21] & 0x03) + 1;
        var arrays = record[22];
        var annexB = new List<byte>(record.Length + 16);
        Range sps = default;
        var pos = 23;
        for (var a = 0; a < arrays; a++)
        {
            if (pos + 3 > record.Length)
            {
                return false;
            }
            var nalType = record[pos] & 0x3F;
            int count = BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(pos + 1));
            pos += 3;
            for (var i = 0; i < count; i++)
            {
                if (!TryTakeNal(record, ref pos, annexB, out var nal))
                {
                    return false;
                }
                if (nalType == 33 && sps.Equals(default(Range)))
                {
                    sps = nal;
                }
            }
        }
        if (lengthSize == 3)
        {
            return false;
        }
        config = new VideoDecoderConfig(VideoCodecId.H265, record, lengthSize, [.. annexB], sps);
        return true;
    }

    private static bool TryTakeNal(byte[] record, ref int pos, List<byte> annexB, out Range nal)
    {
        nal = default;
        if (pos + 2 > record.Length)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(record.AsSpan(pos));
        pos += 2;
        if (length == 0 || pos + length > record.Length)
        {
            return false;
        }
        annexB.AddRange(StartCode);
        annexB.AddRange(record.AsSpan(pos, length));
        nal = new Range(pos, pos + length);
        pos += length;
        return true;
    }
}
