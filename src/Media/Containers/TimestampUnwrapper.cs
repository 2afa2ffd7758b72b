namespace OrleansLive.Media.Containers;

/// <summary>
/// Undoes the 33-bit wrap of MPEG PTS/DTS (every 26.5 hours) by placing each value on a 64-bit
/// timeline nearest the previous one. One instance serves all streams of a program so their
/// timestamps stay comparable; jumps of more than 2^32 ticks (13 hours) read as going backwards.
/// </summary>
internal sealed class TimestampUnwrapper
{
    private const long Wrap = 1L << 33;
    private const long Mask = Wrap - 1;

    private long _last = -1;

    public long Unwrap(long value33)
    {
        value33 &= Mask;
        if (_last < 0)
        {
            _last = value33;
            return value33;
        }

        // The 33-bit difference, taken as signed: a forward or backward step of under half the range.
        var delta = (value33 - (_last & Mask)) & Mask;
        if (delta >= Wrap / 2)
        {
            delta -= Wrap;
        }

        _last += delta;
        return _last;
    }
}
