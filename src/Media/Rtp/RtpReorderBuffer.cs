namespace OrleansLive.Media.Rtp;

/// <summary>
/// Puts incoming RTP packets back in sequence order. 16-bit sequence numbers are extended across
/// wraparound; packets wait until the ones before them arrive, until the window of
/// <see cref="Capacity"/> sequence numbers overflows, or until the caller gives up on a gap
/// (<see cref="SkipMissing"/>, e.g. after a NACK round trip). Duplicates and packets older than
/// what was released are dropped. The gaps in the window are what to NACK.
/// </summary>
public sealed class RtpReorderBuffer
{
    public const int DefaultCapacity = 512;

    // Extended sequence numbers start here so they never go negative.
    private const long Origin = 1L << 32;

    // Packets this far behind, several in a row, mean the sender restarted its sequence.
    private const int RestartAfter = 16;

    private readonly byte[]?[] _slots;
    private readonly Queue<byte[]> _ready = new();
    private long _next;
    private long _highest;
    private bool _started;
    private int _farBehind;

    public RtpReorderBuffer(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 16384);
        _slots = new byte[capacity][];
    }

    public int Capacity => _slots.Length;

    /// <summary>Packets held waiting for an earlier one.</summary>
    public int Count { get; private set; }

    /// <summary>Sequence numbers released past without their packet.</summary>
    public long LostPackets { get; private set; }

    public long DuplicatePackets { get; private set; }

    /// <summary>Packets that came after their place was released.</summary>
    public long LatePackets { get; private set; }

    /// <summary>Takes one RTP packet (kept by reference); false when it is malformed, a duplicate
    /// or too late.</summary>
    public bool Push(byte[] packet)
    {
        if (!RtpHeader.TryParse(packet, out var header))
        {
            return false;
        }

        var sequence = header.SequenceNumber;
        if (!_started)
        {
            Restart(sequence);
        }

        var extended = _highest + (short)(sequence - (ushort)_highest);
        if (extended < _next)
        {
            if (_next - extended > 2L * Capacity && ++_farBehind >= RestartAfter)
            {
                Advance(_highest + 1);
                Restart(sequence);
                extended = _next;
            }
            else
            {
                LatePackets++;
                return false;
            }
        }

        _farBehind = 0;
        if (extended - _next >= Capacity)
        {
            Advance(extended - Capacity + 1);
        }

        var slot = (int)(extended % Capacity);
        if (_slots[slot] is not null)
        {
            DuplicatePackets++;
            return false;
        }

        _slots[slot] = packet;
        Count++;
        _highest = Math.Max(_highest, extended);
        return true;
    }

    /// <summary>The next packet in order, if it is here (or was released by an overflow).</summary>
    public bool TryPop(out byte[] packet)
    {
        if (_ready.TryDequeue(out packet!))
        {
            return true;
        }

        var slot = (int)(_next % Capacity);
        if (Count > 0 && _slots[slot] is { } held)
        {
            _slots[slot] = null;
            Count--;
            _next++;
            packet = held;
            return true;
        }

        packet = null!;
        return false;
    }

    /// <summary>Gives up on the gap before the next held packet, counting it lost, so TryPop can go on.</summary>
    public void SkipMissing()
    {
        if (Count == 0)
        {
            return;
        }

        while (_slots[(int)(_next % Capacity)] is null)
        {
            LostPackets++;
            _next++;
        }
    }

    /// <summary>Sequence numbers missing between the next expected and the highest received: the
    /// ones to NACK. Appends to <paramref name="missing"/> in order.</summary>
    public void GetMissing(List<ushort> missing)
    {
        if (Count == 0)
        {
            return;
        }

        for (var extended = _next; extended < _highest; extended++)
        {
            if (_slots[(int)(extended % Capacity)] is null)
            {
                missing.Add((ushort)extended);
            }
        }
    }

    public List<ushort> GetMissing()
    {
        var missing = new List<ushort>();
        GetMissing(missing);
        return missing;
    }

    private void Restart(ushort sequence)
    {
        _started = true;
        _next = Origin + sequence;
        _highest = _next - 1;
        _farBehind = 0;
    }

    // Releases every held packet before `target` to the ready queue, counting the holes as lost.
    private void Advance(long target)
    {
        while (_next < target)
        {
            if (Count == 0)
            {
                LostPackets += target - _next;
                _next = target;
                return;
            }

            var slot = (int)(_next % Capacity);
            if (_slots[slot] is { } held)
            {
                _ready.Enqueue(held);
                _slots[slot] = null;
                Count--;
            }
            else
            {
                LostPackets++;
            }

            _next++;
        }
    }
}
