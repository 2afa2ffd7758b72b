using System.Buffers;
using OrleansLive.Media.Codecs;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Codecs;

public class AnnexBTests
{
    [Fact]
    public void Splits_on_three_and_four_byte_start_codes_and_drops_trailing_zeros()
    {
        byte[] stream = [0xAA, 0, 0, 0, 1, 0x09, 0xF0, 0, 0, 1, 0x67, 1, 2, 0, 0, 0, 0, 1, 0x65, 0, 3, 0, 7, 0];
        var nals = new List<byte[]>();
        foreach (var nal in AnnexB.Split(stream))
        {
            nals.Add(nal.ToArray());
        }

        Assert.Equal([[0x09, 0xF0], [0x67, 1, 2], [0x65, 0, 3, 0, 7]], nals);
    }

    [Fact]
    public void Data_without_start_codes_has_no_nal_units()
    {
        var count = 0;
        foreach (var _ in AnnexB.Split([1, 2, 3, 0, 0]))
        {
            count++;
        }

        Assert.Equal(0, count);
    }

    [Fact]
    public void Length_prefixed_and_annex_b_convert_both_ways()
    {
        var avcc = Hex(AvcFrames[0].Nalus);
        var annexB = new ArrayBufferWriter<byte>();
        Assert.Equal(1, AnnexB.WriteAnnexB(avcc, 4, annexB));
        Assert.Equal(Concat([0, 0, 0, 1], avcc[4..]), annexB.WrittenSpan.ToArray());

        var back = new ArrayBufferWriter<byte>();
        Assert.Equal(1, AnnexB.WriteLengthPrefixed(annexB.WrittenSpan, back));
        Assert.Equal(avcc, back.WrittenSpan.ToArray());
        Assert.Equal(avcc.Length, AnnexB.LengthPrefixedSize(annexB.WrittenSpan));
    }

    [Fact]
    public void Short_length_prefixes_refuse_nal_units_that_do_not_fit()
    {
        var output = new ArrayBufferWriter<byte>();
        Assert.False(AnnexB.WriteLengthPrefixedNal(new byte[300], output, 1));
        Assert.True(AnnexB.WriteLengthPrefixedNal(new byte[300], output, 2));
        Assert.Equal(302, output.WrittenCount);
    }

    [Fact]
    public void A_length_past_the_end_stops_reading()
    {
        ReadOnlySpan<byte> data = [0, 0, 0, 2, 0x41, 1, 0, 0, 0, 9, 0x41];
        Assert.True(AnnexB.TryReadLengthPrefixed(ref data, 4, out var nal));
        Assert.Equal([0x41, 1], nal.ToArray());
        Assert.False(AnnexB.TryReadLengthPrefixed(ref data, 4, out _));
    }

    [Theory]
    [InlineData(VideoCodecId.H264, 0x65, true, false)]
    [InlineData(VideoCodecId.H264, 0x41, false, false)]
    [InlineData(VideoCodecId.H264, 0x67, false, true)]
    [InlineData(VideoCodecId.H265, 0x26, true, false)] // IDR_W_RADL
    [InlineData(VideoCodecId.H265, 0x2A, true, false)] // CRA
    [InlineData(VideoCodecId.H265, 0x02, false, false)] // TRAIL_R
    [InlineData(VideoCodecId.H265, 0x40, false, true)] // VPS
    public void Nal_types_name_keyframes_and_parameter_sets(VideoCodecId codec, byte header, bool key, bool parameterSet)
    {
        byte[] nal = [header, 0x01, 0x80];
        Assert.Equal(key, NalUnit.IsKeyframe(codec, nal));
        Assert.Equal(parameterSet, NalUnit.IsParameterSet(codec, nal));
    }

    [Fact]
    public void First_slices_and_parameter_sets_start_access_units()
    {
        Assert.True(NalUnit.StartsAccessUnit(VideoCodecId.H264, [0x65, 0x88]));
        Assert.False(NalUnit.StartsAccessUnit(VideoCodecId.H264, [0x65, 0x48])); // first_mb_in_slice != 0
        Assert.True(NalUnit.StartsAccessUnit(VideoCodecId.H264, [0x09, 0xF0]));
        Assert.True(NalUnit.StartsAccessUnit(VideoCodecId.H265, [0x28, 0x01, 0xAC]));
        Assert.False(NalUnit.StartsAccessUnit(VideoCodecId.H265, [0x02, 0x01, 0x40]));
        Assert.True(NalUnit.IsFraming(VideoCodecId.H265, [0x46, 0x01]));
    }
}
