using System.Buffers;

namespace OrleansLive.UnitTests.Mp4;

/// <summary>
/// An IBufferWriter that hands out spans exactly as large as requested, so a writer that
/// under-estimates its size hint fails here instead of silently relying on spare capacity.
/// </summary>
internal sealed class ExactBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _pending = [];

    public byte[] ToArray() => [.. _written];

    public void Advance(int count)
    {
        Assert.InRange(count, 0, _pending.Length);
        _written.AddRange(_pending.AsSpan(0, count));
        _pending = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        _pending = new byte[Math.Max(sizeHint, 1)];
        return _pending;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
