using System.Buffers.Binary;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// Builds AVCDecoderConfigurationRecord (avcC) and HEVCDecoderConfigurationRecord (hvcC) bodies
/// (ISO/IEC 14496-15 5.3.3.1 and 8.3.3.1) from parameter sets found in a byte stream, so streams
/// that arrive as Annex B (MPEG-TS, MPEG-PS) get the sequence header RTMP, FLV and MP4 need.
/// Records always declare four-byte NAL lengths.
/// </summary>
public static class DecoderRecordBuilder
{
    /// <summary>avcC from SPS and PPS NAL units (headers included); null when the first SPS does not
    /// decode or a list is empty or too long. Profile, compatibility and level come from the first SPS.</summary>
    public static byte[]? BuildAvc(IReadOnlyList<byte[]> spsList, IReadOnlyList<byte[]> ppsList)
    {
        if (spsList.Count is 0 or > 31 || ppsList.Count is 0 or > 255 || !AvcConfig.TryReadSps(spsList[0], out var sps))
        {
            return null;
        }

        var extension = AvcConfig.HasChromaInfo(sps.ProfileIdc);
        var size = 6 + 1 + (extension ? 4 : 0);
        foreach (var nal in spsList.Concat(ppsList))
        {
            if (nal.Length is 0 or > ushort.MaxValue)
            {
                return null;
            }

            size += 2 + nal.Length;
        }

        var record = new byte[size];
        var first = spsList[0];
        record[0] = 1; // configurationVersion
        record[1] = first[1]; // AVCProfileIndication
        record[2] = first[2]; // profile_compatibility
        record[3] = first[3]; // AVCLevelIndication
        record[4] = 0xFF; // reserved '111111', lengthSizeMinusOne 3
        record[5] = (byte)(0xE0 | spsList.Count);
        var at = WriteNals(record, 6, spsList);
        record[at++] = (byte)ppsList.Count;
        at = WriteNals(record, at, ppsList);
        if (extension)
        {
            // High profiles add chroma format and bit depths (and no SPS extensions).
            record[at++] = (byte)(0xFC | sps.ChromaFormatIdc);
            record[at++] = (byte)(0xF8 | (sps.BitDepthLuma - 8));
            record[at++] = (byte)(0xF8 | (sps.BitDepthChroma - 8));
            record[at] = 0;
        }

        return record;
    }

    /// <summary>hvcC from VPS, SPS and PPS NAL units (two-byte headers included); null when the first
    /// SPS does not decode or a list is empty. General profile, tier, level, chroma format, bit depths
    /// and temporal layering come from the first SPS.</summary>
    public static byte[]? BuildHevc(IReadOnlyList<byte[]> vpsList, IReadOnlyList<byte[]> spsList, IReadOnlyList<byte[]> ppsList)
    {
        if (vpsList.Count == 0 || spsList.Count == 0 || ppsList.Count == 0 || !HevcConfig.TryReadSps(spsList[0], out var sps))
        {
            return null;
        }

        var size = 23;
        foreach (var list in new[] { vpsList, spsList, ppsList })
        {
            if (list.Count > ushort.MaxValue)
            {
                return null;
            }

            size += 3;
            foreach (var nal in list)
            {
                if (nal.Length is 0 or > ushort.MaxValue)
                {
                    return null;
                }

                size += 2 + nal.Length;
            }
        }

        var record = new byte[size];
        record[0] = 1; // configurationVersion
        sps.GeneralProfileTierLevel.CopyTo(record, 1); // profile space/tier/idc, compatibility, constraints, level
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(13), 0xF000); // min_spatial_segmentation_idc 0
        record[15] = 0xFC; // parallelismType 0: unknown
        record[16] = (byte)(0xFC | sps.ChromaFormatIdc);
        record[17] = (byte)(0xF8 | (sps.BitDepthLuma - 8));
        record[18] = (byte)(0xF8 | (sps.BitDepthChroma - 8));
        // avgFrameRate 0 (unknown); constantFrameRate 0, numTemporalLayers, temporalIdNested, lengthSizeMinusOne 3.
        record[21] = (byte)(((sps.TemporalLayers & 0x07) << 3) | (sps.TemporalIdNested ? 0x04 : 0) | 0x03);
        record[22] = 3; // numOfArrays
        var at = 23;
        at = WriteArray(record, at, NalUnit.HevcVps, vpsList);
        at = WriteArray(record, at, NalUnit.HevcSps, spsList);
        WriteArray(record, at, NalUnit.HevcPps, ppsList);
        return record;
    }

    private static int WriteArray(byte[] record, int at, int nalType, IReadOnlyList<byte[]> nals)
    {
        record[at] = (byte)(0x80 | nalType); // array_completeness: all of this type are here
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(at + 1), (ushort)nals.Count);
        return WriteNals(record, at + 3, nals);
    }

    private static int WriteNals(byte[] record, int at, IReadOnlyList<byte[]> nals)
    {
        foreach (var nal in nals)
        {
            BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(at), (ushort)nal.Length);
            nal.CopyTo(record, at + 2);
            at += 2 + nal.Length;
        }

        return at;
    }
}
