using System.Buffers;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>One received SRT live message (up to the payload size, 1316 bytes = 7 TS packets by default)
/// in a pooled buffer. Dispose it exactly once when done to return the buffer.</summary>
public readonly struct SrtMessage : IDisposable
{
    private readonly byte[]? _buffer;

    internal SrtMessage(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
