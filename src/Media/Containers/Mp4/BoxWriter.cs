using System.Buffers.Binary;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.Mp4;

/// <summary>
/// Writes ISO BMFF boxes big-endian into a span. <see cref="Start"/> leaves the 32-bit size
/// blank and <see cref="End"/> patches it, so nested boxes need no size pre-computation.
/// </summary>
internal ref struct BoxWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    public int Position { get; private set; }

    public readonly ReadOnlySpan<byte> Written => _buffer[..Position];

    public int Start(ReadOnlySpan<byte> type)
    {
        var at = Position;
        U32(0);
        Bytes(type);
        return at;
    }

    public int StartFull(ReadOnlySpan<byte> type, byte version, uint flags)
    {
        var at = Start(type);
        U32(((uint)version << 24) | (flags & 0xFFFFFF));
        return at;
    }

    public readonly void End(int at) => BinaryPrimitives.WriteUInt32BigEndian(_buffer[at..], (uint)(Position - at));

    public void U8(byte value) => _buffer[Position++] = value;

    public void U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[Position..], value);
        Position += 2;
    }

    public void U24(uint value)
    {
        _buffer[Position] = (byte)(value >> 16);
        _buffer[Position + 1] = (byte)(value >> 8);
        _buffer[Position + 2] = (byte)value;
        Position += 3;
    }

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
        Position += 4;
    }

    public void I32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer[Position..], value);
        Position += 4;
    }

    public void U64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_buffer[Position..], value);
        Position += 8;
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[Position..]);
        Position += value.Length;
    }

    public void Zeros(int count)
    {
        _buffer.Slice(Position, count).Clear();
        Position += count;
    }

    /// <summary>The unity transformation matrix of mvhd and tkhd.</summary>
    public void UnityMatrix()
    {
        U32(0x00010000);
        U32(0);
        U32(0);
        U32(0);
        U32(0x00010000);
        U32(0);
        U32(0);
        U32(0);
        U32(0x40000000);
    }
}
