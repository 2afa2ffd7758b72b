namespace OrleansLive.GatewayEdge.Mp4;

/// <summary>
/// MSB-first bit reader with Exp-Golomb codes over an RBSP (emulation prevention already removed).
/// Reading past the end yields zeros and sets <see cref="Overrun"/> instead of throwing.
/// </summary>
internal ref struct RbspBitReader(ReadOnlySpan<byte> rbsp)
{
    private readonly ReadOnlySpan<byte> _data = rbsp;
    private int _bit;

    public bool Overrun { get; private set; }

    public uint ReadBits(int count)
    {
        var value = 0u;
        for (var i = 0; i < count; i++)
        {
            value = (value << 1) | ReadBit();
        }
        return value;
    }

    public uint ReadBit()
    {
        var index = _bit >> 3;
        if (index >= _data.Length)
        {
            Overrun = true;
            return 0;
        }
        var bit = (uint)(_data[index] >> (7 - (_bit & 7))) & 1;
        _bit++;
        return bit;
    }

    public void Skip(int count)
    {
        _bit += count;
        if (_bit > _data.Length * 8)
        {
            Overrun = true;
        }
    }

    /// <summary>ue(v): leading zeros, a one, then that many bits.</summary>
    public uint ReadUe()
    {
        var zeros = 0;
        while (ReadBit() == 0)
        {
            if (Overrun || ++zeros > 31)
            {
                Overrun = true;
                return 0;
            }
        }
        return zeros == 0 ? 0 : ((1u << zeros) - 1) + ReadBits(zeros);
    }

    /// <summary>se(v): ue mapped 0, 1, -1, 2, -2...</summary>
    public int ReadSe()
    {
        var code = ReadUe();
        return (code & 1) != 0 ? (int)((code + 1) >> 1) : -(int)(code >> 1);
    }

    /// <summary>Copies a NAL payload without its 0x000003 emulation prevention bytes; returns the length.</summary>
    public static int Unescape(ReadOnlySpan<byte> nal, Span<byte> rbsp)
    {
        var length = 0;
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }
            if (length == rbsp.Length)
            {
                break;
            }
            rbsp[length++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return length;
    }
}
