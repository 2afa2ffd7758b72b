namespace OrleansLive.Media.Codecs;

/// <summary>
/// MSB-first bit reader with Exp-Golomb codes, for codec headers. Reading past the end throws
/// <see cref="InvalidDataException"/>, which the TryParse entry points turn into false.
/// </summary>
internal ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private long _bit;

    public BitReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _bit = 0;
    }

    public readonly long BitsRemaining => (long)_data.Length * 8 - _bit;

    public bool ReadFlag() => ReadBit() != 0;

    public int ReadBit()
    {
        if (_bit >= (long)_data.Length * 8)
        {
            throw new InvalidDataException("Bitstream ended early");
        }

        var value = (_data[(int)(_bit >> 3)] >> (7 - (int)(_bit & 7))) & 1;
        _bit++;
        return value;
    }

    /// <summary>Reads up to 32 bits as an unsigned number.</summary>
    public uint ReadBits(int count)
    {
        if (count > BitsRemaining)
        {
            throw new InvalidDataException("Bitstream ended early");
        }

        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            value = value << 1 | (uint)ReadBit();
        }

        return value;
    }

    public void Skip(long count)
    {
        if (count > BitsRemaining)
        {
            throw new InvalidDataException("Bitstream ended early");
        }

        _bit += count;
    }

    /// <summary>Unsigned Exp-Golomb ue(v).</summary>
    public uint ReadUe()
    {
        var leadingZeros = 0;
        while (ReadBit() == 0)
        {
            if (++leadingZeros > 31)
            {
                throw new InvalidDataException("Exp-Golomb code longer than 32 bits");
            }
        }

        return (uint)((1UL << leadingZeros) - 1 + ReadBits(leadingZeros));
    }

    /// <summary>Signed Exp-Golomb se(v).</summary>
    public int ReadSe()
    {
        var k = ReadUe();
        return (k & 1) != 0 ? (int)((k + 1) / 2) : -(int)(k / 2);
    }
}
