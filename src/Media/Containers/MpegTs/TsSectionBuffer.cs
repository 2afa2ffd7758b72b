namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>
/// Reassembles PSI sections (PAT, PMT) of one PID across transport packets, following the
/// pointer_field; several sections in one packet are handed out one by one. A section is at most
/// 1024 bytes (section_length is 10 bits for PAT/PMT), so the buffer never grows.
/// </summary>
internal sealed class TsSectionBuffer
{
    private const int MaxSection = 1024 + 3;

    private readonly byte[] _buffer = new byte[MaxSection];
    private int _length;
    private bool _collecting;

    /// <summary>The PID's continuity counter, checked by the demuxer; -1 before the first packet.</summary>
    public int LastCc = -1;

    public void Reset() => (_collecting, _length) = (false, 0);

    /// <summary>Feeds one packet payload; <paramref name="onSection"/> gets each complete section.</summary>
    public void Push(ReadOnlySpan<byte> payload, bool unitStart, TsDemuxer owner, int pid)
    {
        if (!unitStart)
        {
            if (_collecting)
            {
                Append(payload, owner, pid);
            }

            return;
        }

        if (payload.IsEmpty || payload[0] >= payload.Length)
        {
            Reset();
            return;
        }

        var pointer = payload[0];
        if (_collecting)
        {
            Append(payload.Slice(1, pointer), owner, pid);
        }

        Reset();
        var rest = payload[(1 + pointer)..];
        while (!rest.IsEmpty && rest[0] != 0xFF)
        {
            if (rest.Length < 3)
            {
                Append(rest, owner, pid);
                return;
            }

            var length = 3 + (((rest[1] & 0x0F) << 8) | rest[2]);
            if (length > MaxSection)
            {
                return;
            }

            if (rest.Length < length)
            {
                Append(rest, owner, pid);
                return;
            }

            owner.OnSection(pid, rest[..length]);
            rest = rest[length..];
        }
    }

    private void Append(ReadOnlySpan<byte> data, TsDemuxer owner, int pid)
    {
        _collecting = true;
        var take = Math.Min(data.Length, MaxSection - _length);
        data[..take].CopyTo(_buffer.AsSpan(_length));
        _length += take;
        if (_length < 3)
        {
            return;
        }

        var length = 3 + (((_buffer[1] & 0x0F) << 8) | _buffer[2]);
        if (length > MaxSection)
        {
            Reset();
        }
        else if (_length >= length)
        {
            Reset();
            owner.OnSection(pid, _buffer.AsSpan(0, length));
        }
    }
}
