using OrleansLive.Media.Codecs;

namespace OrleansLive.UnitTests.Codecs;

public class Av1ObuTests
{
    // Temporal delimiter, sequence header (profile 0, not reduced), frame with show_existing_frame 0
    // and frame_type KEY_FRAME (0) or INTER_FRAME (1).
    private static readonly byte[] KeyTemporalUnit = [0x12, 0x00, 0x0A, 0x02, 0x00, 0x00, 0x32, 0x02, 0x10, 0x00];
    private static readonly byte[] InterTemporalUnit = [0x12, 0x00, 0x32, 0x02, 0x30, 0x00];

    [Fact]
    public void Walks_obus_with_sizes()
    {
        ReadOnlySpan<byte> data = KeyTemporalUnit;
        var types = new List<int>();
        while (Av1Obu.TryRead(ref data, out var type, out _))
        {
            types.Add(type);
        }

        Assert.Equal([Av1Obu.TemporalDelimiter, Av1Obu.SequenceHeader, Av1Obu.Frame], types);
    }

    [Fact]
    public void Keyframes_need_a_sequence_header_and_a_key_frame_type()
    {
        Assert.True(Av1Obu.IsKeyframe(KeyTemporalUnit));
        Assert.False(Av1Obu.IsKeyframe(InterTemporalUnit));
        byte[] keyWithoutSequenceHeader = [0x12, 0x00, 0x32, 0x02, 0x10, 0x00];
        Assert.False(Av1Obu.IsKeyframe(keyWithoutSequenceHeader));
        Assert.False(Av1Obu.IsKeyframe(KeyTemporalUnit[..7]));
    }

    [Fact]
    public void Leb128_reads_multi_byte_sizes_and_rejects_overlong_ones()
    {
        Assert.True(Av1Obu.TryReadLeb128([0xE5, 0x8E, 0x26], out var value, out var length));
        Assert.Equal((624485UL, 3), (value, length));
        Assert.False(Av1Obu.TryReadLeb128([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], out _, out _));
    }
}
