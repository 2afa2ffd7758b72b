namespace OrleansLive.Media.Codecs;

/// <summary>H.264/HEVC NAL unit helpers.</summary>
internal static class NalUnit
{
    /// <summary>Largest parameter set we decode; real SPS are well under this.</summary>
    public const int MaxParameterSetSize = 4096;

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
